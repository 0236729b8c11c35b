package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("accept() takes the waiting connections out of the queue", suite.Checks("accept.dequeues"), func() {
	DescribeTable("accept() returns queued connections in arrival order, with the client's address as peer",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			l := sock.Listener(f, 8)
			clients := connectClients(f, l, 4)
			var ports []uint16
			for i, c := range clients {
				child := l.AcceptWithin(within)
				Expect(child.Peer()).To(Equal(c.Local()), "accept() number %d: the peer must be client %d's own getsockname", i+1, i+1)
				ports = append(ports, c.Local().Port())
			}
			suite.Evidence("%s: clients from ports %v accepted in that order", f.Name, ports)
		},
		suite.Families(),
	)

	DescribeTable("a non-blocking accept() on an empty queue fails with EAGAIN; once a client arrives it succeeds (control)",
		func(f sock.Family) {
			l := sock.Listener(f, 8) // non-blocking
			_, err := l.Accept()
			Expect(err).To(FailWithErrno(unix.EAGAIN), "accept on %s with nobody queued", l)
			c := sock.Dial(f, l.Local())
			l.AcceptWithin(suite.MustHappenWithin())
			Expect(c).To(CompleteWithin(suite.MustHappenWithin()))
			suite.Evidence("%s: empty queue → EAGAIN; one client queued → accepted", f.Name)
		},
		suite.Families(),
	)
})
