package server

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a listening socket keeps no peer, even with clients waiting", suite.Checks("listen.no-peer"), func() {
	DescribeTable("getpeername on the listener fails with ENOTCONN; each accepted child has its client (control)",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			l := sock.Listener(f, 4)
			clients := connectClients(f, l, 3)
			_, err := l.Peer()
			Expect(err).To(FailWithErrno(unix.ENOTCONN), "getpeername on %s with 3 clients queued", l)
			var clientAddrs, peers []netip.AddrPort
			for _, c := range clients {
				clientAddrs = append(clientAddrs, c.Local())
				peer, err := l.AcceptWithin(within).Peer()
				Expect(err).To(SucceedSyscall(), "getpeername on an accepted child")
				peers = append(peers, peer)
			}
			// In whichever order accept() hands them out (accept.dequeues checks the order).
			Expect(peers).To(ConsistOf(clientAddrs), "the accepted children's peers")
			_, err = l.Peer()
			Expect(err).To(FailWithErrno(unix.ENOTCONN), "getpeername on %s after 3 accepts", l)
			suite.Evidence("%s: listener getpeername → ENOTCONN with 3 queued and after 3 accepts; the children's peers are the clients", f.Name)
		},
		suite.Families(),
	)
})
