package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// serverSockets lists this process's sockets whose local address is addr: the listener and
// the children accepted from it. Clients share the host but have ports of their own.
func serverSockets(addr string) (listening, connected []fdtable.Entry) {
	GinkgoHelper()
	table, err := fdtable.Self()
	Expect(err).NotTo(HaveOccurred())
	for _, e := range table {
		if e.Kind != fdtable.Socket || e.Local != addr {
			continue
		}
		if e.Listening {
			listening = append(listening, e)
		} else if e.Peer != "" {
			connected = append(connected, e)
		}
	}
	return listening, connected
}

var _ = Describe("a server is 1 listening socket plus N connected sockets", suite.Checks("accept.one-plus-n"), func() {
	DescribeTable("after each accept(), the descriptor table holds 1 listener and one more connected socket on the server's port",
		func(f sock.Family) {
			const n = 3
			within := suite.MustHappenWithin()
			l := sock.Listener(f, n)
			addr := l.Local().String()
			clients := dialClients(f, l, n)
			listening, connected := serverSockets(addr)
			Expect(listening).To(HaveLen(1), "listening sockets on %s before any accept:\n%s", addr, fdtable.Format(listening))
			Expect(connected).To(BeEmpty(), "connected sockets on %s before any accept", addr)
			for i := 1; i <= n; i++ {
				l.AcceptWithin(within)
				listening, connected = serverSockets(addr)
				Expect(listening).To(HaveLen(1), "listening sockets on %s after %d accepts", addr, i)
				Expect(connected).To(HaveLen(i), "connected sockets on %s after %d accepts:\n%s", addr, i, fdtable.Format(connected))
			}
			expectConnected(clients)
			suite.Evidence("%s: on %s, 1 listener (fd %d) + %d children (fds %v)", f.Name, addr, listening[0].FD, n, fdtable.Numbers(connected))
		},
		suite.Families(),
	)
})
