package sandbox

import (
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var testLimits = Limits{CPUSeconds: 5, AddressSpaceMiB: 1024, OpenFiles: 64, Processes: 256, FileSizeMiB: 1}

func nobody(t *testing.T) *User {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("environment (needs root): an isolated box needs root")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("environment (unusable here): no user nobody:", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &User{Name: "nobody", UID: uid, GID: gid}
}

func start(t *testing.T, cfg Config) *Box {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = "/"
	}
	if cfg.Tail == 0 {
		cfg.Tail = 4096
	}
	b, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}

var env = []string{"PATH=/usr/bin:/bin"}

func finish(t *testing.T, p *Proc) Exit {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatalf("pid %d did not end within 5s", p.PID)
	}
	return p.Exit()
}

// The command runs as nobody, in its own PID namespace (not as its PID 1), with the
// rlimits and default signal dispositions, whatever the grader ignores or blocks.
func TestIsolatedCommand(t *testing.T) {
	u := nobody(t)
	// As nohup and some CI runners start a grader: the command must not inherit this.
	signal.Ignore(unix.SIGHUP, unix.SIGPIPE, unix.Signal(40))
	defer signal.Reset(unix.SIGHUP, unix.SIGPIPE, unix.Signal(40))
	b := start(t, Config{Isolate: true, User: u, Limits: testLimits})
	p, err := b.Run([]string{"cat", "/proc/self/status", "/proc/self/limits"}, env, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if e := finish(t, p); e.Code != 0 || e.Signal != 0 {
		t.Fatalf("cat %s; stderr: %s", e, p.Stderr)
	}
	<-p.Stdout.EOF()
	out := p.Stdout.String()
	want := []string{
		fmt.Sprintf("Uid:\t%d\t%d", u.UID, u.UID),
		"SigIgn:\t0000000000000000", "SigBlk:\t0000000000000000",
		"Max open files            64",
		"Max address space         1073741824",
		"Max core file size        0",
		"Max processes             256",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in:\n%s", w, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "NSpid:" {
			if len(f) != 3 || f[2] == "1" {
				t.Errorf("want a PID in a child namespace, not 1: %q", line)
			}
		}
	}
}

// Only lo exists in the box's network, and it is up: a socket made inside can listen on
// 127.0.0.1, and the box's TCP table (seen through its init) lists it.
func TestBoxNetwork(t *testing.T) {
	b := start(t, Config{Isolate: true, User: nobody(t), Limits: testLimits})
	dev, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/dev", b.InitPID()))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(dev)), "\n"); len(lines) != 3 || !strings.HasPrefix(strings.TrimSpace(lines[2]), "lo:") {
		t.Errorf("want only lo in the box:\n%s", dev)
	}
	var port int
	err = b.InNet(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
		if err := unix.Listen(fd, 1); err != nil {
			return err
		}
		sa, _ := unix.Getsockname(fd)
		port = sa.(*unix.SockaddrInet4).Port
		tcp, _ := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", b.InitPID()))
		if !strings.Contains(string(tcp), fmt.Sprintf("0100007F:%04X 00000000:0000 0A", port)) {
			return fmt.Errorf("listener on port %d missing from the box's table:\n%s", port, tcp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.ReadFile("/proc/self/net/tcp")
	if strings.Contains(string(host), fmt.Sprintf("0100007F:%04X 00000000:0000 0A", port)) {
		t.Errorf("the box's listener on port %d shows in the grader's own namespace", port)
	}
}

// A daemon (setsid, double fork, output pipes kept open) is still the box's, and nothing
// of it survives Close, isolated or not.
func TestDaemonIsKilled(t *testing.T) {
	for _, isolate := range []bool{true, false} {
		t.Run(fmt.Sprintf("isolate=%v", isolate), func(t *testing.T) {
			cfg := Config{Isolate: isolate, Limits: testLimits}
			if isolate {
				cfg.User = nobody(t)
			}
			b := start(t, cfg)
			marker := fmt.Sprintf("%d.%d", 1000+os.Getpid()%1000, time.Now().UnixNano()%1000000)
			p, err := b.Run([]string{"/bin/sh", "-c", "(setsid sh -c 'sleep " + marker + "' &) ; echo started"}, env, true, false)
			if err != nil {
				t.Fatal(err)
			}
			if e := finish(t, p); e.Code != 0 {
				t.Fatalf("sh %s", e)
			}
			select {
			case <-p.Stdout.EOF():
				t.Fatal("stdout reached EOF, but the daemon still holds it open")
			case <-time.After(50 * time.Millisecond):
			}
			if n := len(sleepers(marker)); n != 1 {
				t.Fatalf("want the daemon running, found %d", n)
			}
			if ps := b.Processes(); len(ps) == 0 {
				t.Fatal("the daemon is not among the box's processes")
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if left := sleepers(marker); len(left) != 0 {
				t.Fatalf("daemon still running after Close: %v", left)
			}
		})
	}
}

func sleepers(marker string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(b), "sleep\x00"+marker) {
			found = append(found, e.Name())
		}
	}
	return found
}

// A command that prints megabytes is drained at once and only the tail is kept.
func TestOutputIsBounded(t *testing.T) {
	b := start(t, Config{Isolate: os.Geteuid() == 0, Limits: testLimits, Tail: 1000})
	p, err := b.Run([]string{"head", "-c", "20000000", "/dev/zero"}, env, false, false)
	if err != nil {
		t.Fatal(err)
	}
	finish(t, p)
	<-p.Stdout.EOF()
	if p.Stdout.Total() != 20000000 || len(p.Stdout.Bytes()) != 1000 {
		t.Errorf("total %d, kept %d; want 20000000 and 1000", p.Stdout.Total(), len(p.Stdout.Bytes()))
	}
}

// The command gets stdin, stdout and stderr only, even when the grader inherited more.
func TestOnlyThreeDescriptors(t *testing.T) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil { // no close-on-exec, as a careless parent leaves them
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	b := start(t, Config{Isolate: os.Geteuid() == 0, Limits: testLimits})
	proc, err := b.Run([]string{"ls", "/proc/self/fd"}, env, false, false)
	if err != nil {
		t.Fatal(err)
	}
	finish(t, proc)
	<-proc.Stdout.EOF()
	// ls itself opens the directory as fd 3.
	if got := strings.Fields(proc.Stdout.String()); strings.Join(got, " ") != "0 1 2 3" {
		t.Errorf("the command had descriptors %v; want 0 1 2 (and ls's own 3)", got)
	}
}

func TestCommandNotFound(t *testing.T) {
	b := start(t, Config{Limits: testLimits})
	_, err := b.Run([]string{"./no-such-server", "5000"}, env, false, false)
	if err == nil || !strings.Contains(err.Error(), "command not found: ./no-such-server") {
		t.Fatalf("want command not found, got %v", err)
	}
}

func TestExitStatus(t *testing.T) {
	b := start(t, Config{Limits: testLimits})
	for _, c := range []struct {
		argv  []string
		shell bool
		want  string
	}{
		{[]string{"/bin/sh", "-c", "exit 3"}, true, "exited with status 3"},
		{[]string{"/bin/sh", "-c", "kill -SEGV $$"}, true, "was killed by SIGSEGV (segmentation fault)"},
		{[]string{"/bin/sh", "-c", "sh -c 'kill -PIPE $$'; exit $?"}, true, "was killed by SIGPIPE (broken pipe), as its shell reported with exit status 141"},
	} {
		p, err := b.Run(c.argv, env, c.shell, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := finish(t, p).String(); got != c.want {
			t.Errorf("%q: %s, want %s", c.argv, got, c.want)
		}
	}
}

func TestTail(t *testing.T) {
	tl := NewTail(4)
	tl.Write([]byte("ab"))
	tl.Write([]byte("cdef"))
	tl.Write([]byte("g"))
	if got := string(tl.Bytes()); got != "defg" || tl.Total() != 7 {
		t.Errorf("tail %q total %d", got, tl.Total())
	}
	if got := tl.String(); got != "[… 3 earlier bytes not kept]\ndefg" {
		t.Errorf("String() = %q", got)
	}
}

func TestCommand(t *testing.T) {
	if argv, sh := Command("./server 5000"); sh || strings.Join(argv, "|") != "./server|5000" {
		t.Errorf("simple command: %q %v", argv, sh)
	}
	if argv, sh := Command("cd bin && ./server 5000"); !sh || argv[0] != "/bin/sh" {
		t.Errorf("shell command: %q %v", argv, sh)
	}
}
