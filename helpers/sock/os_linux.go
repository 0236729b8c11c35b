package sock

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Protocol reads SO_PROTOCOL (Linux only): IPPROTO_TCP, IPPROTO_UDP.
func (s *Socket) Protocol() (int, error) {
	v, err := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	return v, os.NewSyscallError("getsockopt(SO_PROTOCOL)", err)
}

// Domain reads SO_DOMAIN (Linux only): AF_INET, AF_INET6, AF_UNIX.
func (s *Socket) Domain() (int, error) {
	v, err := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_DOMAIN)
	return v, os.NewSyscallError("getsockopt(SO_DOMAIN)", err)
}

// EphemeralRange is the live range the kernel picks ports from for bind(port 0).
func EphemeralRange() (lo, hi int, source string, err error) {
	const path = "/proc/sys/net/ipv4/ip_local_port_range"
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, path, err
	}
	_, err = fmt.Sscan(string(b), &lo, &hi)
	return lo, hi, path, err
}
