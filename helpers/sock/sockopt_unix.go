//go:build linux || freebsd

package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Protocol reads SO_PROTOCOL: IPPROTO_TCP, IPPROTO_UDP. Linux (net/core/sock.c
// sk_getsockopt) and FreeBSD (sys/kern/uipc_socket.c sogetopt: so->so_proto->pr_protocol)
// have it.
func (s *Socket) Protocol() (int, error) {
	v, err := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	return v, os.NewSyscallError("getsockopt(SO_PROTOCOL)", err)
}

// Domain reads SO_DOMAIN: AF_INET, AF_INET6, AF_UNIX (FreeBSD sogetopt:
// so->so_proto->pr_domain->dom_family).
func (s *Socket) Domain() (int, error) {
	v, err := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_DOMAIN)
	return v, os.NewSyscallError("getsockopt(SO_DOMAIN)", err)
}
