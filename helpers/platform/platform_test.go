package platform

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// gVisor's first log line, as pkg/sentry/kernel/syslog.go formats it ("<6>[%11.6f] %s\n").
const gvisorLog = "<6>[   0.000000] Starting gVisor...\n<6>[   0.412000] Digging up root...\n"

func TestIsGVisorLog(t *testing.T) {
	for log, want := range map[string]bool{
		gvisorLog: true,
		"<6>[    0.000000] Linux version 6.18.44 (builder@sandboxing) #1 SMP\n": false,
		"": false,
		// The line must be the first: a message logged later proves nothing.
		"<6>[    0.000000] Linux version 6.18.44\n<4>[   12.000000] Starting gVisor...\n": false,
		"Starting gVisor...\n": false,
	} {
		if got := IsGVisorLog([]byte(log)); got != want {
			t.Errorf("IsGVisorLog(%q) = %v, want %v", log, got, want)
		}
	}
}

func TestOS(t *testing.T) {
	for p, want := range map[string]string{Linux: "linux", GVisor: "linux", Darwin: "darwin", FreeBSD: "freebsd"} {
		if got := OS(p); got != want {
			t.Errorf("OS(%s) = %s, want %s", p, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	argv := []string{"suite.test", "-ginkgo.v"}
	found := func(string) (string, error) { return "/usr/bin/runsc", nil }
	missing := func(string) (string, error) {
		return "", errors.New(`exec: "runsc": executable file not found in $PATH`)
	}
	got, err := wrap("", argv, "linux", 1000, missing)
	if err != nil || !slices.Equal(got, argv) {
		t.Errorf("no runtime: %q, %v; want argv unchanged", got, err)
	}
	got, err = wrap("gvisor", argv, "linux", 0, found)
	want := []string{"runsc", "--platform=ptrace", "--network=none", "do", "-force-overlay=false", "suite.test", "-ginkgo.v"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("gvisor as root: %q, %v; want %q", got, err, want)
	}
	for _, c := range []struct {
		rt, goos string
		uid      int
		look     func(string) (string, error)
		why      string
	}{
		{"gvisor", "linux", 1000, found, "runtime gvisor: runsc do needs root (running as uid 1000): run it with sudo"},
		{"gvisor", "linux", 0, missing, "runtime gvisor: runsc is not installed"},
		{"gvisor", "darwin", 0, found, "runtime gvisor: gVisor runs on Linux only, not on darwin"},
		{"kvm", "linux", 0, found, `unknown runtime "kvm" (from SOCKSPEC_RUNTIME): the runtimes are gvisor, or none for this machine's kernel`},
	} {
		got, err := wrap(c.rt, argv, c.goos, c.uid, c.look)
		if err == nil || !strings.HasPrefix(err.Error(), c.why) {
			t.Errorf("%s on %s as uid %d: %q, %v; want the error %q", c.rt, c.goos, c.uid, got, err, c.why)
		}
	}
}

// printName is set in the child that TestNameUnderGVisor starts: it prints Name and exits.
const printName = "SOCKSPEC_PLATFORM_PRINT"

func TestMain(m *testing.M) {
	if os.Getenv(printName) != "" {
		os.Stdout.WriteString(Name())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The detection on a real gVisor: this test binary, run under runsc, names linux/gvisor;
// run directly, linux (the control).
func TestNameUnderGVisor(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("gVisor runs on Linux only")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	name := func(argv ...string) string {
		t.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), printName+"=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%q: %v", argv, err)
		}
		return string(out)
	}
	if got := name(self); got != Name() {
		t.Errorf("run directly, the child says %s, this process %s", got, Name())
	}
	if Name() == GVisor {
		t.Skip("these tests run under gVisor already")
	}
	if got := name(self); got != Linux {
		t.Errorf("run directly on Linux, Name() = %s, want %s", got, Linux)
	}
	argv, err := Wrap("gvisor", []string{self})
	if err != nil {
		t.Skipf("cannot run gVisor here: %v", err)
	}
	// The default overlay: this check writes nothing.
	argv = slices.DeleteFunc(argv, func(a string) bool { return a == "-force-overlay=false" })
	if got := name(argv...); got != GVisor {
		t.Errorf("under %s, Name() = %q, want %s", strings.Join(argv[:len(argv)-1], " "), got, GVisor)
	}
}
