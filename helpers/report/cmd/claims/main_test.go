package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run `claims run` (what `make conformance` runs) in a copy of the module, so
// they can break a suite and leave the checkout's out/ alone.

var (
	copyOnce sync.Once
	copied   string // the copy's root
	claims   string // the claims command, built from the copy
	copyErr  error
)

// module copies the module (without .git, out/ and compiled suites) once, and builds claims.
func module(t *testing.T) (root, bin string) {
	t.Helper()
	copyOnce.Do(func() {
		src, err := filepath.Abs("../../../..")
		if err != nil {
			copyErr = err
			return
		}
		if copied, copyErr = os.MkdirTemp("", "sockspec-claims-test-"); copyErr != nil {
			return
		}
		copyErr = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, path)
			switch {
			case d.IsDir() && (rel == ".git" || rel == "out"):
				return filepath.SkipDir
			case d.IsDir():
				return os.MkdirAll(filepath.Join(copied, rel), 0o755)
			case strings.HasSuffix(rel, ".test") || !d.Type().IsRegular():
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(copied, rel), data, 0o644)
		})
		if copyErr != nil {
			return
		}
		claims = filepath.Join(copied, "claims.bin")
		build := exec.Command("go", "build", "-o", claims, "./helpers/report/cmd/claims")
		build.Dir = copied
		if out, err := build.CombinedOutput(); err != nil {
			copyErr = fmt.Errorf("go build claims: %v\n%s", err, out)
		}
	})
	if copyErr != nil {
		t.Fatal(copyErr)
	}
	return copied, claims
}

func TestMain(m *testing.M) {
	code := m.Run()
	if copied != "" {
		os.RemoveAll(copied)
	}
	os.Exit(code)
}

// command is `claims run` with args in the copy, its shell set up by setup ("ulimit -n 24",
// "umask 027"), with its own TMPDIR (tmp) unless env sets one.
func command(t *testing.T, setup, tmp string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	root, bin := module(t)
	cmd := exec.Command("sh", append([]string{"-c", setup + "\nexec \"$0\" run \"$@\"", bin}, args...)...)
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), "SOCKSPEC_PROFILE=default", "TMPDIR="+tmp), env...)
	return cmd
}

func table(t *testing.T) string {
	t.Helper()
	root, _ := module(t)
	b, err := os.ReadFile(filepath.Join(root, "out", "claims.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// once checks that out says want exactly once, and that no suite ran.
func once(t *testing.T, out, want string) {
	t.Helper()
	if n := strings.Count(out, want); n != 1 || strings.Contains(out, "Ginkgo ran") {
		t.Errorf("want the run to stop before any suite, saying once\n  %s\nit said it %d times:\n%s", want, n, out)
	}
}

// A mistyped claim in the label filter used to run 0 specs and exit 0.
func TestMistypedLabelFilter(t *testing.T) {
	out, err := command(t, "", t.TempDir(), nil, "--label-filter=claim:fd.no-lseak").CombinedOutput()
	if err == nil {
		t.Errorf("the run passed:\n%s", out)
	}
	once(t, string(out), `names claim fd.no-lseak (did you mean fd.no-lseek?)`)
}

// Too few descriptors, a missing TMPDIR: one environment error, no suite run.
func TestEnvironmentErrors(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "gone")
	for _, tc := range []struct {
		name, setup, tmp, want string
	}{
		{"ulimit", "ulimit -n 24", t.TempDir(), "descriptors, ulimit -n is 24"},
		{"TMPDIR", "", gone, "the temporary directory " + gone + " (from TMPDIR) is not usable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := command(t, tc.setup, tc.tmp, nil).CombinedOutput()
			if err == nil {
				t.Errorf("the run passed:\n%s", out)
			}
			once(t, string(out), tc.want)
			if got := table(t); !strings.Contains(got, "**NOT RUN**: this machine cannot run the suites") || !strings.Contains(got, tc.want) {
				t.Errorf("claims.md does not say why nothing ran:\n%s", got)
			}
		})
	}
}

// A suite that does not compile is named with its compile error, and its claims are "not
// run", not "NO SPEC … label one with claim:X" (advice a student may follow). The reports
// are readable by everyone under umask 027, and what a killed run left behind (a compiled
// suite, a fixture build) is gone afterwards.
func TestSuiteThatDoesNotCompile(t *testing.T) {
	root, _ := module(t)
	broken := filepath.Join(root, "suites", "websocket", "zz_broken_test.go")
	if err := os.WriteFile(broken, []byte("package websocket\n\nvar _ = undefinedThing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(broken)
	tmp := t.TempDir()
	leftovers := []string{filepath.Join(root, "suites", "server", "server.test"), filepath.Join(tmp, "sockspec-fixtures-999999999-1", "child")}
	for _, f := range leftovers {
		os.MkdirAll(filepath.Dir(f), 0o755)
		os.WriteFile(f, []byte("left by a killed run"), 0o755)
	}

	out, err := command(t, "umask 027", tmp, nil, "--label-filter=claim:fd.no-lseek").CombinedOutput()
	if err == nil {
		t.Errorf("the run passed:\n%s", out)
	}
	got := table(t)
	for _, want := range []string{
		"suite websocket did not run: compile error: suites/websocket/zz_broken_test.go:3:9: undefined: undefinedThing",
		"| `ws.over-tcp` | holds | not run: suite websocket did not run |",
		"| `fd.no-lseek` | holds | passed 12/12 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("claims.md lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "NO SPEC") || strings.Contains(got, "label one with") {
		t.Errorf("claims.md tells the user to write specs for claims of a suite that did not compile:\n%s", got)
	}
	filepath.WalkDir(filepath.Join(root, "out"), func(path string, d fs.DirEntry, err error) error {
		fi, _ := d.Info()
		if want := map[bool]fs.FileMode{true: 0o755, false: 0o644}[d.IsDir()]; fi.Mode().Perm() != want {
			t.Errorf("%s is %v under umask 027, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	for _, f := range leftovers {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s, left by a killed run, is still there", f)
		}
	}
}

// A run stopped by SIGINT (from a terminal: the whole process group) says so in its table,
// exits non-zero, counts the interrupted spec as no claim failure, and leaves no compiled
// suite or fixture build behind.
func TestInterruptedRun(t *testing.T) {
	root, _ := module(t)
	tmp := t.TempDir()
	cmd := command(t, "", tmp, nil, "--label-filter=claim:listen.backlog || claim:fd.shared-table")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Interrupt once the server suite began: its slow specs each wait for a SYN retransmission.
	out := &watch{marker: "server: socket, bind, listen, accept", seen: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-out.seen:
	case <-time.After(3 * time.Minute):
		t.Error("the server suite did not begin within 3m")
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	err := cmd.Wait()
	if err == nil {
		t.Errorf("the interrupted run passed:\n%s", out.String())
	}
	got := table(t)
	for _, want := range []string{
		"**INTERRUPTED** (SIGINT): the run stopped before it finished",
		"suite websocket did not run: the run was interrupted before it ran",
		"| `fd.shared-table` | holds | passed 2/2 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("claims.md lacks %q:\n%s\nthe run printed:\n%s", want, got, out.String())
		}
	}
	if strings.Contains(got, "| `listen.backlog` | holds | FAILED") {
		t.Errorf("the interrupted spec counts as a failed claim:\n%s", got)
	}
	left, _ := filepath.Glob(filepath.Join(root, "suites", "*", "*.test"))
	builds, _ := filepath.Glob(filepath.Join(tmp, "sockspec-fixtures-*"))
	if len(left)+len(builds) > 0 {
		t.Errorf("the interrupted run left %v", append(left, builds...))
	}
}

// watch keeps a child's output and closes seen once the output holds marker.
type watch struct {
	mu     sync.Mutex
	b      bytes.Buffer
	marker string
	seen   chan struct{}
}

func (s *watch) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	had := strings.Contains(s.b.String(), s.marker)
	s.b.Write(p)
	if !had && strings.Contains(s.b.String(), s.marker) {
		close(s.seen)
	}
	return len(p), nil
}

func (s *watch) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
