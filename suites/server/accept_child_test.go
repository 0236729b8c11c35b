package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("accept() makes a new child socket for the connection", suite.Checks("accept.child-socket"), func() {
	DescribeTable("the child is a new descriptor that is not listening; the listener still is",
		func(f sock.Family) {
			c := sock.Connected(f, suite.MustHappenWithin())
			Expect(c.Server.Num).NotTo(Equal(c.Listener.Num), "accept() returned the listener's own descriptor")
			Expect(c.Server.Kind()).To(Equal(uint32(unix.S_IFSOCK)))
			Expect(c.Listener.Listening()).To(BeTrue(), "the listener is still listening")
			Expect(c.Server.Listening()).To(BeFalse(), "the child is not listening")
			_, err := c.Listener.Peer()
			Expect(err).To(FailWithErrno(unix.ENOTCONN), "the listener stays without a peer")
			Expect(c.Server.Peer()).To(Equal(c.Client.Local()), "the child is connected to the client")
			suite.Evidence("%s: listener fd %d listening, child fd %d not listening, connected to %s", f.Name, c.Listener.Num, c.Server.Num, c.Client.Local())
		},
		suite.Families(),
	)

	DescribeTable("closing the listener leaves the accepted child working",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			c := sock.Connected(f, within)
			addr := c.Listener.Local()
			Expect(c.Listener.Close()).To(Succeed())
			c.Client.WriteAll([]byte("still here?"))
			Expect(string(c.Server.ReadWithin(11, within))).To(Equal("still here?"))
			c.Server.WriteAll([]byte("yes"))
			Expect(string(c.Client.ReadWithin(3, within))).To(Equal("yes"))
			// Control: the listener is really gone, new clients are refused.
			Expect(sock.TCP(f).ConnectWithin(addr, within)).To(FailWithErrno(unix.ECONNREFUSED), "a new client after the listener closed")
			suite.Evidence("%s: listener %s closed; child and client still exchange bytes; a new client → ECONNREFUSED", f.Name, addr)
		},
		suite.Families(),
	)

	DescribeTable("whether the child inherits the listener's O_NONBLOCK differs per OS (fixtures/claims.yaml)",
		func(f sock.Family) {
			inherits := suite.Expected[catalog.ChildSocket]().ChildInheritsNonblock
			c := sock.Connected(f, suite.MustHappenWithin()) // the listener is non-blocking
			Expect(c.Listener.Nonblocking()).To(BeTrue())
			Expect(c.Server.Nonblocking()).To(Equal(inherits), "O_NONBLOCK on a child of a non-blocking listener (%s: inherits %v)", suite.Platform(), inherits)
			suite.Evidence("%s: child of a non-blocking listener has O_NONBLOCK %v (%s)", f.Name, c.Server.Nonblocking(), suite.Platform())
			suite.Observed(f.Name+": O_NONBLOCK of a non-blocking listener's child", c.Server.Nonblocking())
		},
		suite.Families(),
	)
})
