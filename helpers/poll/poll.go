// Package poll is the one poll(2) loop of sockspec, and the one wait for a non-blocking
// connect(2), shared by the specs' sockets (helpers/sock), the test hosts' netlink reads
// and the grader's clients. It imports no
// Ginkgo, so the grader binary can use it.
package poll

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Wait waits at most within (0: just look) until fd reports one of events, or an error or
// hang-up, and returns what it reported (0 when the bound passed first). A poll interrupted
// by a signal (EINTR: poll(2) is never restarted, even with SA_RESTART, and the Go runtime
// preempts threads with SIGURG) is restarted for the time left, never reported.
func Wait(fd int, events int16, within time.Duration) (revents int16, err error) {
	deadline := time.Now().Add(within)
	for {
		left := max(time.Until(deadline), 0)
		p := []unix.PollFd{{Fd: int32(fd), Events: events}}
		n, err := unix.Poll(p, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, os.NewSyscallError("poll", err)
		}
		if n == 0 {
			return 0, nil
		}
		return p[0].Revents, nil
	}
}

// AwaitConnect waits at most within for a non-blocking connect(2) on fd to finish. done is
// false while it is still in progress; err is the connect's outcome (SO_ERROR, as a
// "connect" syscall error).
func AwaitConnect(fd int, within time.Duration) (done bool, err error) {
	revents, err := Wait(fd, unix.POLLOUT, within)
	if err != nil || revents == 0 {
		return false, err
	}
	soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return true, os.NewSyscallError("getsockopt(SO_ERROR)", err)
	}
	if soErr != 0 {
		return true, os.NewSyscallError("connect", unix.Errno(soErr))
	}
	return true, nil
}
