package suite

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// With loopback down (a fresh network namespace has lo down) a suite stops at start-up with
// one environment error naming the cause, instead of failing every spec with ENETUNREACH.
// bind() alone succeeds on a down lo: the probe makes a real connection.
func TestLoopbackDownStopsTheSuiteOnce(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skipf("needs root to make a network namespace (running as uid %d)", os.Geteuid())
	}
	dir := filepath.Join(moduleRoot(t), "suites", "server")
	cmd := exec.Command(suiteBinary(t, "server"), "-ginkgo.no-color", "-ginkgo.json-report="+filepath.Join(t.TempDir(), "r.json"))
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	b, err := cmd.CombinedOutput()
	out := string(b)
	want := "IPv4 loopback 127.0.0.1 is not usable: connect → ENETUNREACH (network is unreachable); bring the loopback interface up (ip link set lo up)"
	if err == nil || count(out, want) != 1 || !strings.Contains(out, "Ran 0 of") || count(out, "[FAIL]") != 1 {
		t.Errorf("with lo down the server suite should stop before any spec, with one error:\n  %s\nit printed:\n%s", want, out)
	}
}
