// Package poll is the one poll(2) loop of sockspec, shared by the specs' sockets
// (helpers/sock), the test hosts' netlink reads and the grader's clients. It imports no
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
