//go:build darwin || freebsd

package sock

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// watchArrivals makes a kqueue that reports the listener fd with EV_CLEAR: an event each
// time the kernel queues a connection (kqueue(2): a listening socket's EVFILT_READ fires
// when a connection is pending, data being the queue's length), reset once retrieved.
func watchArrivals(fd int) (int, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return -1, os.NewSyscallError("kqueue", err)
	}
	unix.CloseOnExec(kq)
	var ev unix.Kevent_t
	unix.SetKevent(&ev, fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		unix.Close(kq)
		return -1, os.NewSyscallError("kevent", err)
	}
	return kq, nil
}

// awaitArrival waits at most within for the watch to report, restarted after EINTR.
func awaitArrival(kq int, within time.Duration) (bool, error) {
	deadline := time.Now().Add(within)
	events := make([]unix.Kevent_t, 1)
	for {
		ts := unix.NsecToTimespec(int64(max(time.Until(deadline), 0)))
		n, err := unix.Kevent(kq, nil, events, &ts)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, os.NewSyscallError("kevent", err)
		}
		return n > 0, nil
	}
}
