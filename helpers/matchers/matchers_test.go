package matchers

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestFailWithErrno(t *testing.T) {
	seekErr := os.NewSyscallError("lseek", unix.ESPIPE)
	for _, tc := range []struct {
		name    string
		matcher interface {
			Match(any) (bool, error)
			FailureMessage(any) string
		}
		actual any
		match  bool
		msg    string
	}{
		{"right errno", FailWithErrno(unix.ESPIPE), seekErr, true, ""},
		{"succeeded", FailWithErrno(unix.ESPIPE), nil, false, "expected the call to fail with ESPIPE (illegal seek), but it succeeded"},
		{"other errno", FailWithErrno(unix.EINVAL), seekErr, false, "expected lseek to fail with EINVAL (invalid argument), but the kernel returned ESPIPE (illegal seek)"},
		{"not an errno", FailWithErrno(unix.EINVAL), errors.New("boom"), false, "but the kernel returned boom"},
		{"success", SucceedSyscall(), nil, true, ""},
		{"failure named", SucceedSyscall(), seekErr, false, "expected lseek to succeed, but the kernel returned ESPIPE (illegal seek)"},
	} {
		ok, err := tc.matcher.Match(tc.actual)
		if err != nil || ok != tc.match {
			t.Errorf("%s: Match = %v, %v; want %v", tc.name, ok, err, tc.match)
		}
		if !ok && !strings.Contains(tc.matcher.FailureMessage(tc.actual), tc.msg) {
			t.Errorf("%s: message %q does not contain %q", tc.name, tc.matcher.FailureMessage(tc.actual), tc.msg)
		}
	}
	if _, err := FailWithErrno(unix.EINVAL).Match(42); err == nil {
		t.Error("a non-error actual was accepted")
	}
}

type fd int

func (f fd) Fd() int { return int(f) }

func socket(t *testing.T) int {
	t.Helper()
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(s) })
	return s
}

func listener(t *testing.T, backlog int) *unix.SockaddrInet4 {
	t.Helper()
	l := socket(t)
	if err := unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(l, backlog); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(l)
	return sa.(*unix.SockaddrInet4)
}

func dial(t *testing.T, to unix.Sockaddr) fd {
	t.Helper()
	c := socket(t)
	unix.SetNonblock(c, true)
	if err := unix.Connect(c, to); err != nil && err != unix.EINPROGRESS && err != unix.ECONNREFUSED {
		t.Fatal(err)
	}
	return fd(c)
}

func TestConnectMatchers(t *testing.T) {
	to := listener(t, 0)
	first := dial(t, to)
	if ok, _ := CompleteWithin(time.Second).Match(first); !ok {
		t.Fatal("a connect to a listener with room did not complete")
	}
	// Fill the queue (its length differs per OS) until a connect has to wait.
	var waiting fd
	for i := 0; i < 200 && waiting == 0; i++ {
		c := dial(t, to)
		if ok, _ := CompleteWithin(30 * time.Millisecond).Match(c); !ok {
			waiting = c
		}
	}
	if waiting == 0 {
		t.Fatal("no connect ever waited")
	}
	m := CompleteWithin(20 * time.Millisecond)
	if ok, _ := m.Match(waiting); ok {
		t.Fatal("CompleteWithin matched a waiting connect")
	}
	if msg := m.FailureMessage(waiting); !strings.Contains(msg, "still in progress after 20ms") {
		t.Errorf("message: %s", msg)
	}
	if ok, _ := StayInProgressFor(20 * time.Millisecond).Match(waiting); !ok {
		t.Error("StayInProgressFor did not match a waiting connect")
	}
	if ok, _ := StayInProgressFor(20 * time.Millisecond).Match(first); ok {
		t.Error("StayInProgressFor matched a completed connect")
	}
}

func TestConnectRefusedIsNamed(t *testing.T) {
	// A bound socket that is not listening refuses connections.
	s := socket(t)
	if err := unix.Bind(s, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	to, _ := unix.Getsockname(s)
	c := dial(t, to)
	m := CompleteWithin(time.Second)
	if ok, _ := m.Match(c); ok {
		t.Fatal("a refused connect matched CompleteWithin")
	}
	if msg := m.FailureMessage(c); !strings.Contains(msg, "ECONNREFUSED (connection refused)") {
		t.Errorf("message does not name the errno: %s", msg)
	}
}
