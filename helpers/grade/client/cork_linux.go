package client

import (
	"os"

	"golang.org/x/sys/unix"
)

// Cork holds back what the client writes (TCP_CORK) until the socket is closed or uncorked,
// or 200 ms passed: close() then sends the data and the FIN together, after the client's
// socket is gone.
func (c *Conn) Cork() error {
	return os.NewSyscallError("setsockopt(TCP_CORK)", unix.SetsockoptInt(c.FD, unix.IPPROTO_TCP, unix.TCP_CORK, 1))
}

// Unsent is how many written bytes the kernel has not sent yet (TCP_INFO notsent_bytes).
func (c *Conn) Unsent() (int, error) {
	info, err := unix.GetsockoptTCPInfo(c.FD, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return 0, os.NewSyscallError("getsockopt(TCP_INFO)", err)
	}
	return int(info.Notsent_bytes), nil
}
