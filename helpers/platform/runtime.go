package platform

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
)

// RuntimeEnv names the runtime the suites run under (make RUNTIME=…): empty for this
// machine's own kernel, "gvisor" for gVisor.
const RuntimeEnv = "SOCKSPEC_RUNTIME"

// Runtimes are the values RuntimeEnv may take besides empty.
var Runtimes = []string{"gvisor"}

// Runsc runs a command under gVisor: a fresh sandbox with the host's files, the ptrace
// platform (no KVM needed, so it works on CI runners and in VMs), no network but its own
// loopback, and no overlay, so what the suites write (their reports in out/) reaches the
// host; `runsc do` would otherwise keep every write in a tmpfs that goes with the sandbox.
var Runsc = []string{"runsc", "--platform=ptrace", "--network=none", "do", "-force-overlay=false"}

// Wrap returns the command that runs argv under runtime rt, or why this machine cannot:
// argv itself for the machine's own kernel (rt empty).
func Wrap(rt string, argv []string) ([]string, error) {
	return wrap(rt, argv, runtime.GOOS, os.Geteuid(), exec.LookPath)
}

// wrap is Wrap on a machine with the given OS, effective uid and commands.
func wrap(rt string, argv []string, goos string, uid int, lookPath func(string) (string, error)) ([]string, error) {
	switch rt {
	case "":
		return argv, nil
	case "gvisor":
	default:
		return nil, fmt.Errorf("unknown runtime %q (from %s): the runtimes are %s, or none for this machine's kernel", rt, RuntimeEnv, strings.Join(Runtimes, ", "))
	}
	if goos != "linux" {
		return nil, fmt.Errorf("runtime gvisor: gVisor runs on Linux only, not on %s", goos)
	}
	if uid != 0 {
		return nil, fmt.Errorf("runtime gvisor: runsc do needs root (running as uid %d): run it with sudo", uid)
	}
	if _, err := lookPath(Runsc[0]); err != nil {
		return nil, fmt.Errorf("runtime gvisor: %s is not installed (%v): apt-get install runsc, or run RUNTIME=gvisor .ci/run, which installs it", Runsc[0], err)
	}
	return append(slices.Clone(Runsc), argv...), nil
}
