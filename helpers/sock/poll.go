package sock

import (
	"time"

	"sockspec/helpers/poll"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// Readable polls f for at most within: true once a read would not block, because bytes
// arrived (POLLIN) or every writer is gone (POLLHUP, which pipes report at end of file).
func (f *FD) Readable(within time.Duration) bool {
	GinkgoHelper()
	revents, err := poll.Wait(f.Num, unix.POLLIN, within)
	Expect(err).NotTo(HaveOccurred(), "poll on %s", f)
	return revents&(unix.POLLIN|unix.POLLHUP) != 0
}
