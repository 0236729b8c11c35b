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

	"sockspec/helpers/repo"
)

// These tests run `claims run` and `make conformance` in a copy of the module, so they can
// break a suite and leave the checkout's out/ alone.

var (
	copyOnce sync.Once
	copied   string // the copy's root
	claims   string // the claims command, built by make in the copy's out/bin
	copyErr  error
)

// module copies the module (without .git, out/ and compiled suites) once, and builds the
// binaries of make conformance there (make build).
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
			fi, _ := d.Info()
			return os.WriteFile(filepath.Join(copied, rel), data, fi.Mode().Perm())
		})
		if copyErr != nil {
			return
		}
		claims = filepath.Join(copied, "out", "bin", "claims")
		if out, err := makeIn(copied, "build").CombinedOutput(); err != nil {
			copyErr = fmt.Errorf("make build: %v\n%s", err, out)
		}
	})
	if copyErr != nil {
		t.Fatal(copyErr)
	}
	return copied, claims
}

// makeIn is make with args in dir. -trimpath keeps the compiled packages independent of
// the copy's directory, so each test run reuses them from the build cache.
func makeIn(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("make", append([]string{"--no-print-directory"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(repo.MakeEnviron(), "GOFLAGS=-trimpath")
	return cmd
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
	_, bin := module(t)
	return inShell(t, setup, tmp, env, append([]string{bin, "run"}, args...)...)
}

// inShell runs argv in the copy, as command does.
func inShell(t *testing.T, setup, tmp string, env []string, argv ...string) *exec.Cmd {
	t.Helper()
	root, _ := module(t)
	cmd := exec.Command("sh", append([]string{"-c", setup + "\nexec \"$@\"", "sh"}, argv...)...)
	cmd.Dir = root
	cmd.Env = append(append(repo.MakeEnviron(), "SOCKSPEC_PROFILE=default", "TMPDIR="+tmp, "GOFLAGS=-trimpath"), env...)
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
// run", not "NO SPEC … label one with claim:X" (advice a student may follow); the other
// suites still run. The reports are readable by everyone under umask 027, and what a killed
// `go tool ginkgo -r` left behind (a suite it compiled in its package directory) is gone
// afterwards. This is make conformance itself: make builds the suites, and records the
// compiler's errors for the run to report.
func TestSuiteThatDoesNotCompile(t *testing.T) {
	root, _ := module(t)
	broken := filepath.Join(root, "suites", "websocket", "zz_broken_test.go")
	if err := os.WriteFile(broken, []byte("package websocket\n\nvar _ = undefinedThing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() { // the next tests run the suites again
		os.Remove(broken)
		if out, err := makeIn(root, "build").CombinedOutput(); err != nil {
			t.Errorf("make build after the test: %v\n%s", err, out)
		}
	}()
	tmp := t.TempDir()
	leftover := filepath.Join(root, "suites", "server", "server.test")
	os.WriteFile(leftover, []byte("left by a killed run"), 0o755)

	out, err := inShell(t, "umask 027", tmp, nil, "make", "--no-print-directory", "conformance", "PROFILE=default", "GINKGO_FLAGS=--label-filter=claim:fd.no-lseek").CombinedOutput()
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
			t.Errorf("claims.md lacks %q:\n%s\nthe run printed:\n%s", want, got, out)
		}
	}
	if strings.Contains(got, "NO SPEC") || strings.Contains(got, "label one with") {
		t.Errorf("claims.md tells the user to write specs for claims of a suite that did not compile:\n%s", got)
	}
	filepath.WalkDir(filepath.Join(root, "out"), func(path string, d fs.DirEntry, err error) error {
		if rel, _ := filepath.Rel(root, path); rel == filepath.Join("out", "bin") {
			return filepath.SkipDir // make's, not the run's
		}
		fi, _ := d.Info()
		if want := map[bool]fs.FileMode{true: 0o755, false: 0o644}[d.IsDir()]; fi.Mode().Perm() != want {
			t.Errorf("%s is %v under umask 027, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if _, err := os.Stat(leftover); err == nil {
		t.Errorf("%s, left by a killed run, is still there", leftover)
	}
}

// A run stopped by SIGINT (from a terminal: the whole process group) says so in its table,
// exits non-zero, counts the interrupted specs as no claim failure (their claim reads
// INTERRUPTED), keeps what the suites that finished reported, and leaves no compiled suite
// behind.
func TestInterruptedRun(t *testing.T) {
	root, _ := module(t)
	tmp := t.TempDir()
	cmd := command(t, "", tmp, nil, "--label-filter=claim:listen.backlog || claim:fd.shared-table")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Interrupt once the server suite's output shows: its slow specs each wait a second for
	// a SYN retransmission, and the suites before it in the output have finished.
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
		"| `fd.shared-table` | holds | passed 2/2 |",
		"| `listen.backlog` | holds | INTERRUPTED: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("claims.md lacks %q:\n%s\nthe run printed:\n%s", want, got, out.String())
		}
	}
	if strings.Contains(got, "| `listen.backlog` | holds | FAILED") {
		t.Errorf("the interrupted spec counts as a failed claim:\n%s", got)
	}
	if left, _ := filepath.Glob(filepath.Join(root, "suites", "*", "*.test")); len(left) > 0 {
		t.Errorf("the interrupted run left %v", left)
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
