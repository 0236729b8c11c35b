package main

import (
	"os"
	"syscall"
	"testing"
)

// With loopback down (it is down in a new network namespace) the run stops before any
// suite, with one environment error; it used to end with every suite unable to reach
// ginkgo's parallel server and the table saying NO SPEC for each of the 26 claims.
func TestLoopbackDown(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skipf("needs root to make a network namespace (running as uid %d)", os.Geteuid())
	}
	cmd := command(t, "", t.TempDir(), nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("the run passed:\n%s", out)
	}
	once(t, string(out), "IPv4 loopback 127.0.0.1 is not usable: connect → ENETUNREACH (network is unreachable); bring the loopback interface up (ip link set lo up)")
}
