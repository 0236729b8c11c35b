package matchers

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
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

func (f fd) String() string { return fmt.Sprintf("fd %d", int(f)) }

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

// The connect matchers' verdicts and messages for every way a connect can end, with the
// kernel's answer stood in for: on any OS, whatever its listen queue does.
func TestConnectMatcherOutcomes(t *testing.T) {
	refused := os.NewSyscallError("connect", unix.ECONNREFUSED)
	pollErr := os.NewSyscallError("poll", unix.EBADF)
	for _, tc := range []struct {
		name        string
		done        bool
		err         error
		complete    bool // CompleteWithin matches
		inProgress  bool // StayInProgressFor matches
		msgComplete string
		msgProgress string
	}{
		{"completed", true, nil, true, false, "", "expected the connect of fd 7 to stay in progress for 20ms, but it completed after"},
		{"in progress", false, nil, false, true, "expected the connect of fd 7 to complete within 20ms, but it was still in progress after 20ms", ""},
		{"refused", true, refused, false, false, "but it failed after 0s with ECONNREFUSED (connection refused)", "but it failed after 0s with ECONNREFUSED"},
		{"poll failed", false, pollErr, false, false, "but polling it failed with EBADF", "but polling it failed with EBADF"},
	} {
		stub := func(int, time.Duration) (bool, error) { return tc.done, tc.err }
		for _, m := range []struct {
			m    *connectMatcher
			want bool
			msg  string
		}{
			{&connectMatcher{within: 20 * time.Millisecond, wantDone: true, await: stub}, tc.complete, tc.msgComplete},
			{&connectMatcher{within: 20 * time.Millisecond, await: stub}, tc.inProgress, tc.msgProgress},
		} {
			ok, err := m.m.Match(fd(7))
			if err != nil || ok != m.want {
				t.Errorf("%s, wantDone %v: Match = %v, %v; want %v", tc.name, m.m.wantDone, ok, err, m.want)
			}
			if !ok && !strings.Contains(m.m.FailureMessage(fd(7)), m.msg) {
				t.Errorf("%s, wantDone %v: message %q does not contain %q", tc.name, m.m.wantDone, m.m.FailureMessage(fd(7)), m.msg)
			}
		}
	}
}

// Against this kernel: a connect to a listener completes, and one to a port nobody holds is
// refused with the errno named (ECONNREFUSED on Linux, macOS and FreeBSD alike: a SYN to a
// port with no socket gets a RST).
func TestConnectMatchersHere(t *testing.T) {
	to := listener(t, 4)
	first := dial(t, to)
	if ok, _ := CompleteWithin(time.Second).Match(first); !ok {
		t.Fatal("a connect to a listener with room did not complete")
	}
	if ok, _ := StayInProgressFor(20 * time.Millisecond).Match(first); ok {
		t.Error("StayInProgressFor matched a completed connect")
	}

	closed := socket(t)
	if err := unix.Bind(closed, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	free, _ := unix.Getsockname(closed)
	unix.Close(closed) // the port is free again: nobody holds it
	c := dial(t, free)
	m := CompleteWithin(time.Second)
	if ok, _ := m.Match(c); ok {
		t.Fatal("a refused connect matched CompleteWithin")
	}
	if msg := m.FailureMessage(c); !strings.Contains(msg, "ECONNREFUSED (connection refused)") {
		t.Errorf("message does not name the errno: %s", msg)
	}
}

// Against this kernel, where it leaves a connect beyond a full listen queue in progress
// (the catalog's listen.backlog beyond_limit: Linux and macOS drop the SYN; FreeBSD
// completes and resets it, so there the stand-in above covers the in-progress case).
func TestStayInProgressHere(t *testing.T) {
	cat, err := catalog.Load("../../fixtures/claims.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exp, _, err := catalog.Expected[catalog.Backlog](cat, runtime.GOOS)
	if err != nil {
		t.Fatal(err)
	}
	if exp.BeyondLimit != catalog.StaysInProgress {
		t.Skipf("on %s a client beyond the listen queue %s (fixtures/claims.yaml): no connect stays in progress", runtime.GOOS, exp.BeyondLimit)
	}
	to := listener(t, 1)
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
}
