package server

import (
	"fmt"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The tutorial guesses (and says it is not sure) that each accepted socket gets a port of
// its own. It does not: the catalog records the guess as refuted and these specs show why.
var _ = Describe("accepted sockets each get their own port (refuted)", suite.Claim("accept.shared-port"), func() {
	DescribeTable("every child has the listener's port; only the peer differs, so each 4-tuple is unique",
		func(f sock.Family) {
			const clients = 4
			within := suite.CompleteWithin()
			l := sock.Listener(f, clients)
			server := l.Local()
			connectClients(f, l, clients)
			var childPorts, peerPorts []uint16
			tuples := map[string]bool{}
			for range clients {
				child := l.AcceptWithin(within)
				local := child.Local()
				Expect(local).To(Equal(netip.AddrPortFrom(f.Loopback, server.Port())),
					"getsockname of an accepted child: the listener's port, with the concrete address")
				peer, err := child.Peer()
				Expect(err).To(SucceedSyscall())
				tuple := fmt.Sprintf("%s ↔ %s", local, peer)
				Expect(tuples).NotTo(HaveKey(tuple), "two children with the same 4-tuple")
				tuples[tuple] = true
				childPorts = append(childPorts, local.Port())
				peerPorts = append(peerPorts, peer.Port())
			}
			Expect(tuples).To(HaveLen(clients))
			suite.Evidence("%s: listener port %d; child ports: %v; peer ports: %v", f.Name, server.Port(), childPorts, peerPorts)
		},
		suite.Families(),
	)
})
