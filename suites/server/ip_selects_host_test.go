package server

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/hosts"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The tutorial's example: the client picks the computer by IP address and the application
// by port 3000. The hosts are Linux network namespaces with documentation addresses
// (192.0.2.0/24, 2001:db8::/64) in place of the tutorial's 192.203.144.11; each host has its
// own port space, so port 3000 is safe to use there.
var _ = Describe("the IP address selects the host", suite.Checks("addr.ip-selects-host"), Label("needs:root"), func() {
	const port = 3000

	DescribeTable("hosts B and C both listen on port 3000; a client on A reaches each by its IP alone",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			n := hosts.New("A", "B", "C")
			a, b, c := n.Hosts[0], n.Hosts[1], n.Hosts[2]
			// Both servers on the wildcard address: only the destination IP can tell them apart.
			lb := b.Listener(f, netip.AddrPortFrom(f.Any, port), 4)
			lc := c.Listener(f, netip.AddrPortFrom(f.Any, port), 4)

			var seen []string
			for _, tc := range []struct {
				to        *hosts.Host
				l, other  *sock.Socket
				otherName string
			}{{b, lb, lc, "C"}, {c, lc, lb, "B"}} {
				dst := netip.AddrPortFrom(tc.to.Addr(f), port)
				cl := a.Socket(f, unix.SOCK_STREAM)
				Expect(cl.ConnectWithin(dst, within)).To(Succeed(), "connect from host A to %s", dst)
				child := tc.l.AcceptWithin(within)
				Expect(child.Peer()).To(Equal(cl.Local()), "host %s's server gets the client from A", tc.to.Name)
				Expect(child.Local()).To(Equal(dst), "host %s's child socket has the address the client dialled", tc.to.Name)
				_, err := tc.other.Accept()
				Expect(err).To(FailWithErrno(unix.EAGAIN), "host %s's server must have nothing queued", tc.otherName)
				seen = append(seen, dst.String()+" → host "+tc.to.Name+" only (peer "+cl.Local().String()+")")
			}
			suite.Evidence("%s: B (%s) and C (%s) both listening on port %d; from A (%s): %s; %s",
				f.Name, b.Addr(f), c.Addr(f), port, a.Addr(f), seen[0], seen[1])
		},
		suite.Families(),
	)

	DescribeTable("within one host a second listener on port 3000 is refused, so IP and port together name one application",
		func(f sock.Family) {
			n := hosts.New("A", "B")
			a, b := n.Hosts[0], n.Hosts[1]
			b.Listener(f, netip.AddrPortFrom(f.Any, port), 4)
			for _, ap := range []netip.AddrPort{netip.AddrPortFrom(f.Any, port), netip.AddrPortFrom(b.Addr(f), port)} {
				s := b.Socket(f, unix.SOCK_STREAM)
				Expect(s.Bind(ap)).To(FailWithErrno(unix.EADDRINUSE), "a second bind to %s on host B", ap)
			}
			// Control: the same port is free on host A, which has a port space of its own.
			a.Listener(f, netip.AddrPortFrom(f.Any, port), 4)
			suite.Evidence("%s: on host B, bind %s and %s while B listens on port %d → EADDRINUSE; on host A the same port → listening",
				f.Name, netip.AddrPortFrom(f.Any, port), netip.AddrPortFrom(b.Addr(f), port), port)
		},
		suite.Families(),
	)
})
