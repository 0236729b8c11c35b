package grade

import (
	"net/netip"
	"os"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade/sandbox"
	"sockspec/helpers/sockaddr"
)

// socket makes a non-blocking TCP socket for an address like ap inside the box's network.
func (c *Ctx) socket(ap netip.AddrPort) (int, error) { return boxSocket(c.box, ap) }

func boxSocket(b *sandbox.Box, ap netip.AddrPort) (int, error) {
	domain := unix.AF_INET
	if ap.Addr().Is6() {
		domain = unix.AF_INET6
	}
	fd := -1
	err := b.InNet(func() error {
		var err error
		fd, err = unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		return os.NewSyscallError("socket", err)
	})
	return fd, err
}

// listener is socket, bind ap, listen, inside the box's network; an IPv6 one is v6only,
// so it takes only the IPv6 side of the port.
func (c *Ctx) listener(ap netip.AddrPort) (int, error) {
	fd, err := c.socket(ap)
	if err != nil {
		return -1, err
	}
	if ap.Addr().Is6() {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			unix.Close(fd)
			return -1, os.NewSyscallError("setsockopt(IPV6_V6ONLY)", err)
		}
	}
	if err := unix.Bind(fd, sockaddr.From(ap)); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("listen", err)
	}
	return fd, nil
}

// freePort asks the kernel for a port free for IPv4 and IPv6 alike in the box's network:
// bind a dual-stack socket to [::] port 0, read the port back, close. In a fresh namespace
// every port is free anyway; in the grader's own one this avoids the ports in use (a
// server or a grader's listener may take either family's wildcard). Without IPv6, IPv4.
// The probe lives and dies while no box is being started (sandbox.Unforked): a box's init
// forked meanwhile would hold a copy of it until its exec, and the target's bind of the
// port, or the grader's own, would fail with EADDRINUSE.
func freePort(b *sandbox.Box) (port uint16, err error) {
	err = sandbox.Unforked(func() error {
		fd, err := boxSocket(b, netip.AddrPortFrom(netip.IPv6Unspecified(), 0))
		var sa unix.Sockaddr = &unix.SockaddrInet6{}
		if err == nil {
			unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0)
		} else {
			if fd, err = boxSocket(b, netip.AddrPortFrom(netip.IPv4Unspecified(), 0)); err != nil {
				return err
			}
			sa = &unix.SockaddrInet4{}
		}
		defer unix.Close(fd)
		if err := unix.Bind(fd, sa); err != nil {
			return os.NewSyscallError("bind", err)
		}
		got, err := unix.Getsockname(fd)
		if err != nil {
			return os.NewSyscallError("getsockname", err)
		}
		ap, _ := sockaddr.To(got)
		port = ap.Port()
		if testHookProbe != nil {
			testHookProbe()
		}
		return nil
	})
	return port, err
}

// testHookProbe, when set by a test, runs while freePort's probe is open.
var testHookProbe func()

// closeFD closes a socket of the grader's so that it ends now (sandbox.CloseNow).
func closeFD(fd int) { sandbox.CloseNow(fd) }
