package sandbox

import (
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A box's control socket is closed only once its listener has stopped reading it. A number
// closed under the listener is handed out again at once, to another box's control socket
// (whose "ready", "started" or "exit" the listener would then read and lose) or any other
// descriptor: here the listener is held just before its next recvmsg while the box closes,
// and the number must stay taken until it has returned.
func TestCloseWaitsForTheListener(t *testing.T) {
	var calls atomic.Int32
	paused, proceed := make(chan struct{}), make(chan struct{})
	testHookRecv = func(*Box) {
		if calls.Add(1) == 2 { // the init's ready has been read
			close(paused)
			select {
			case <-proceed:
			case <-time.After(10 * time.Second): // never hang the test
			}
		}
	}
	defer func() { testHookRecv = nil }()
	b, err := Start(Config{Dir: "/", Tail: 1, Limits: testLimits})
	if err != nil {
		t.Fatal(err)
	}
	<-paused
	ctl := b.ctl
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case <-b.dead: // the init read the end of its requests: the box is closing
	case <-time.After(10 * time.Second):
		t.Fatal("the init did not exit within 10s of Close")
	}
	// The kernel gives out the lowest free number: open descriptors up to ctl's.
	var fds []int
	for len(fds) < 1024 {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, fd)
		if fd >= ctl {
			break
		}
	}
	reused := fds[len(fds)-1] == ctl
	for _, fd := range fds {
		unix.Close(fd)
	}
	if reused {
		t.Errorf("the control socket's number %d was free again while the listener was still to read it", ctl)
	}
	close(proceed)
	if err := <-closed; err != nil {
		t.Error(err)
	}
	select {
	case <-b.listened:
	default:
		t.Error("Close returned while the listener still ran")
	}
}

// An answer that comes after its Run gave up waiting is never taken for the answer to the
// next request: each carries the number of the request it answers.
func TestLateAnswerIsDropped(t *testing.T) {
	p := &Proc{done: make(chan struct{})}
	reply := make(chan message, 1)
	b := &Box{greeted: true, procs: map[int]*Proc{}, pending: &startRequest{seq: 2, proc: p, reply: reply}}
	b.deliver(message{Kind: "started", Seq: 1, PID: 7}) // request 1's, too late
	if len(reply) != 0 || len(b.procs) != 0 || b.pending == nil {
		t.Fatalf("request 1's answer was taken for request 2's: procs %v, pending %v", b.procs, b.pending)
	}
	b.deliver(message{Kind: "started", Seq: 2, PID: 8})
	if m := <-reply; m.PID != 8 || b.procs[8] != p || p.PID != 8 {
		t.Fatalf("request 2's answer: %+v, procs %v", m, b.procs)
	}
	b.deliver(message{Kind: "exit", PID: 8, Status: 3 << 8})
	if !p.Exited() || p.Exit().Code != 3 {
		t.Fatalf("exit of pid 8 not delivered: %+v", p.exit)
	}
}

// A grader in a PID namespace of its own that still sees the parent's /proc would look up
// its boxes' PIDs there and find other processes: it refuses to start a box.
func TestProcOfAnotherNamespace(t *testing.T) {
	if os.Getenv("SANDBOX_TEST_PROC_HELPER") != "" {
		_, err := Start(Config{Dir: "/", Tail: 1, Limits: testLimits})
		if err == nil || !strings.Contains(err.Error(), "/proc belongs to another PID namespace") {
			t.Fatalf("Start with another namespace's /proc: %v", err)
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("environment (needs root): a PID namespace needs CAP_SYS_ADMIN")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcOfAnotherNamespace$", "-test.v")
	cmd.Env = append(os.Environ(), "SANDBOX_TEST_PROC_HELPER=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID} // /proc stays the parent's
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProcOfAnotherNamespace") {
		t.Fatalf("in a PID namespace with the parent's /proc: %v\n%s", err, out)
	}
	if err := procIsOurs(); err != nil {
		t.Errorf("in the test's own namespace: %v", err)
	}
}
