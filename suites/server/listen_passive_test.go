package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("after listen() the socket waits for clients", suite.Checks("listen.passive"), func() {
	DescribeTable("SO_ACCEPTCONN is 0 before listen() and 1 after",
		func(f sock.Family) {
			s := sock.TCP(f)
			s.BindLoopback()
			Expect(s.Int(unix.SOL_SOCKET, unix.SO_ACCEPTCONN)).To(Equal(0), "SO_ACCEPTCONN on a bound socket")
			Expect(s.Listen(4)).To(SucceedSyscall())
			Expect(s.Int(unix.SOL_SOCKET, unix.SO_ACCEPTCONN)).To(Equal(1), "SO_ACCEPTCONN after listen()")
			suite.Evidence("%s: SO_ACCEPTCONN 0 → listen → 1", f.Name)
		},
		suite.Families(),
	)

	DescribeTable("clients' connect() completes before anyone calls accept(): the kernel does the handshake",
		func(f sock.Family) {
			l := sock.Listener(f, 4)
			connectClients(f, l, 3) // each one completes with no accept() called
			suite.Evidence("%s: 3 clients connected to %s with no accept() called", f.Name, l.Local())
		},
		suite.Families(),
	)

	DescribeTable("bytes a client sends before accept() are there after it, also after the client closed",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			l := sock.Listener(f, 4)
			c := sock.Dial(f, l.Local())
			Expect(c).To(CompleteWithin(within))
			c.WriteAll([]byte("early bird"))
			Expect(c.Close()).To(Succeed())
			child := l.AcceptWithin(within)
			Expect(string(child.ReadWithin(64, within))).To(Equal("early bird"), "what the queued connection holds, then end of file")
			suite.Evidence("%s: sent \"early bird\" and closed before accept(); accept() → the bytes, then EOF", f.Name)
		},
		suite.Families(),
	)
})
