package sock

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// watchArrivals makes an epoll instance that reports the listener fd edge-triggered: the
// kernel wakes a listener's waiters for every connection it queues (sk_data_ready), and
// EPOLLET reports each wakeup once.
func watchArrivals(fd int) (int, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("epoll_create1", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(fd)}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		unix.Close(ep)
		return -1, os.NewSyscallError("epoll_ctl", err)
	}
	return ep, nil
}

// awaitArrival waits at most within for the watch to report, restarted after EINTR.
func awaitArrival(ep int, within time.Duration) (bool, error) {
	deadline := time.Now().Add(within)
	events := make([]unix.EpollEvent, 1)
	for {
		left := max(time.Until(deadline), 0)
		n, err := unix.EpollWait(ep, events, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, os.NewSyscallError("epoll_wait", err)
		}
		return n > 0, nil
	}
}
