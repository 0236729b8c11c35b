package server

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The tutorial guesses (and says it is not sure) that each accepted socket gets a port of
// its own. It does not: the catalog records the guess as refuted and these specs show why.
var _ = Describe("accepted sockets each get their own port (refuted)", suite.Checks("accept.shared-port"), func() {
	DescribeTable("every child has the listener's port; only the peer differs, so each 4-tuple is unique",
		func(f sock.Family) {
			const clients = 4
			l := sock.Listener(f, clients)
			server := l.Local()
			cs, children := acceptClients(f, l, clients)
			var clientAddrs, locals, peers []netip.AddrPort
			for _, c := range cs {
				clientAddrs = append(clientAddrs, c.Local())
			}
			for _, child := range children {
				peer, err := child.Peer()
				Expect(err).To(SucceedSyscall(), "getpeername on %s", child)
				locals, peers = append(locals, child.Local()), append(peers, peer)
			}
			Expect(locals).To(HaveEach(netip.AddrPortFrom(f.Loopback, server.Port())),
				"getsockname of each accepted child: the listener's port, with the concrete address")
			Expect(peers).To(ConsistOf(clientAddrs), "getpeername of the children: each client once")
			// The children's 4-tuples differ only by the client's port, so those must all differ.
			ports := map[uint16]bool{}
			for _, p := range peers {
				ports[p.Port()] = true
			}
			Expect(ports).To(HaveLen(clients), "distinct client ports among the children's peers %v", peers)
			suite.Evidence("%s: listener port %d; child ports: %v; peer ports: %v", f.Name, server.Port(), ports16(locals), ports16(peers))
		},
		suite.Families(),
	)
})

func ports16(aps []netip.AddrPort) []uint16 {
	out := make([]uint16, len(aps))
	for i, ap := range aps {
		out[i] = ap.Port()
	}
	return out
}
