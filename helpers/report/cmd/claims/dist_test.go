package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The bundle of make dist runs the suites anywhere, without Go or the source tree: unpacked
// into an empty directory and run from another one, with nothing in its environment but
// PATH=/usr/bin:/bin, it writes the same claims table as make conformance in the checkout
// and exits as it does. Compared: the title, the table's header, each row's claim, verdict
// and result (passed 2/2, skipped: why, FAILED 1 of 2, not run: why), and every line after
// the table (the corrections, the problems, the coverage line and its reasons). Not
// compared: the evidence and failure cells, which hold ports, descriptor numbers, inodes,
// temporary paths and timings of that one run.
func TestBundle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bundle and runs every suite twice")
	}
	root, _ := module(t)
	name := "sockspec-" + runtime.GOOS + "-" + runtime.GOARCH // linux-amd64 here
	tarball := filepath.Join(root, "out", "dist", name+".tar.gz")
	if out, err := makeIn(root, "out/dist/"+name+".tar.gz").CombinedOutput(); err != nil {
		t.Fatalf("make %s: %v\n%s", tarball, err, out)
	}

	// The profile the bundle's run gets in an empty environment, and no flags, whatever the
	// make that runs this test was given.
	conformance := makeIn(root, "conformance", "PROFILE=default", "GINKGO_FLAGS=")
	out, err := conformance.CombinedOutput()
	wantExit := exitCode(err)
	want := table(t)
	t.Logf("make conformance exited %d", wantExit)

	dir := t.TempDir()
	unpacked, elsewhere := filepath.Join(dir, "unpacked"), filepath.Join(dir, "elsewhere")
	for _, d := range []string{unpacked, elsewhere} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("tar", "-xzf", tarball, "-C", unpacked).CombinedOutput(); err != nil {
		t.Fatalf("unpacking %s: %v\n%s", tarball, err, out)
	}
	run := exec.Command("env", "-i", "PATH="+pathWithoutGo(t), filepath.Join(unpacked, name, "run"))
	run.Dir = elsewhere
	out, err = run.CombinedOutput()
	got, rerr := os.ReadFile(filepath.Join(unpacked, name, "out", "claims.md"))
	if rerr != nil {
		t.Fatalf("the bundle's run wrote no claims table (%v); it printed:\n%s", rerr, out)
	}
	if code := exitCode(err); code != wantExit {
		t.Errorf("the bundle's run exited %d, make conformance %d; it printed:\n%s", code, wantExit, out)
	}
	if !strings.Contains(string(out), comparable(string(got))[0]) {
		t.Errorf("the bundle's run did not print its claims table; it printed:\n%s", out)
	}
	w, g := comparable(want), comparable(string(got))
	for i := range max(len(w), len(g)) {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			t.Errorf("the bundle's claims table differs from make conformance's from line %d:\nmake conformance:\n%s\n\nthe bundle:\n%s",
				i+1, strings.Join(w[min(i, len(w)):], "\n"), strings.Join(g[min(i, len(g)):], "\n"))
			break
		}
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) > 0 {
		t.Errorf("the bundle's run wrote into the working directory it was run from: %v", entries)
	}
}

// comparable is what must be equal in two runs' claims tables: every line, with each row of
// the table cut to its claim, verdict and result.
func comparable(md string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(md), "\n") {
		if strings.HasPrefix(l, "| `") {
			l = strings.Join(strings.SplitN(l, " | ", 4)[:3], " | ")
		}
		lines = append(lines, l)
	}
	return lines
}

// pathWithoutGo is /usr/bin:/bin, unless go is there: then a directory holding only what
// the run script needs.
func pathWithoutGo(t *testing.T) string {
	path := "/usr/bin:/bin"
	found := false
	for _, d := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(d, "go")); err == nil {
			found = true
		}
	}
	if !found {
		return path
	}
	dir := t.TempDir()
	for _, tool := range []string{"sh", "dirname"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("go is in /usr/bin or /bin: the bundle runs with PATH=%s (sh and dirname only)", dir)
	return dir
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
