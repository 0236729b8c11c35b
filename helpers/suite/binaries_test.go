package suite

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The tests here run the suites' own test binaries, as `go tool ginkgo` would, and look at
// what a user sees. Each suite is compiled once per `go test` run.

var (
	binDir string
	builds sync.Map // suite name -> func() (string, error)
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sockspec-suite-test-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// moduleRoot is the checkout these tests run in.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// suiteBinary compiles suites/<name> (once) and returns the test binary.
func suiteBinary(t *testing.T, name string) string {
	t.Helper()
	root := moduleRoot(t)
	build, _ := builds.LoadOrStore(name, sync.OnceValues(func() (string, error) {
		bin := filepath.Join(binDir, name+".test")
		cmd := exec.Command("go", "test", "-c", "-o", bin, "./suites/"+name)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", &buildError{name, err, string(out)}
		}
		return bin, nil
	}))
	bin, err := build.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

type buildError struct {
	name   string
	err    error
	output string
}

func (e *buildError) Error() string {
	return "go test -c ./suites/" + e.name + ": " + e.err.Error() + "\n" + e.output
}

// runSuite runs a suite's binary in dir, its shell set up by setup (ulimit, umask; "" for
// none), with env added, and returns what it printed and whether it exited 0.
func runSuite(t *testing.T, name, dir, setup string, env []string, args ...string) (string, bool) {
	t.Helper()
	bin := suiteBinary(t, name)
	cmd := exec.Command("sh", append([]string{"-c", setup + "\nexec \"$0\" \"$@\"", bin, "-ginkgo.no-color"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// count is how often s occurs in output.
func count(output, s string) int { return strings.Count(output, s) }
