package sock

import (
	"errors"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// Poll is the one poll(2) loop of sockspec: it waits at most within (0: just look) until
// fd reports one of events, or an error or hang-up, and returns what it reported (0 when
// the bound passed first). A poll interrupted by a signal (EINTR; the Go runtime preempts
// threads with one) is restarted for the time left, never reported.
func Poll(fd int, events int16, within time.Duration) (revents int16, err error) {
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

// Readable polls f for at most within: true once a read would not block, because bytes
// arrived (POLLIN) or every writer is gone (POLLHUP, which pipes report at end of file).
func (f *FD) Readable(within time.Duration) bool {
	GinkgoHelper()
	revents, err := Poll(f.Num, unix.POLLIN, within)
	Expect(err).NotTo(HaveOccurred(), "poll on %s", f)
	return revents&(unix.POLLIN|unix.POLLHUP) != 0
}
