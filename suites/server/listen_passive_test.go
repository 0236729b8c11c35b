package server

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	"sockspec/helpers/errno"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("after listen() the socket waits for clients", suite.Checks("listen.passive"), func() {
	DescribeTable("listen() makes the socket a listening one: accept() on it says EAGAIN instead of EINVAL, and the OS says it listens (SO_ACCEPTCONN per OS: fixtures/claims.yaml)",
		func(f sock.Family) {
			want := suite.Expected[catalog.Passive]().SoAcceptconn
			s := sock.TCP(f)
			s.BindLoopback()
			s.SetNonblock(true) // an accept() on it never blocks: nobody is queued
			before, errBefore := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
			Expect(want.BeforeListen.Judge(before, errBefore)).To(Succeed(), "getsockopt(SO_ACCEPTCONN) on a bound socket (fixtures/claims.yaml for %s)", suite.Platform())
			Expect(s.Listening()).To(BeFalse(), "a bound socket before listen()")
			_, err := s.Accept()
			Expect(err).To(FailWithErrno(unix.EINVAL), "accept on a bound socket before listen()")

			Expect(s.Listen(4)).To(SucceedSyscall())
			after, errAfter := unix.GetsockoptInt(s.Num, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
			Expect(want.AfterListen.Judge(after, errAfter)).To(Succeed(), "getsockopt(SO_ACCEPTCONN) after listen() (fixtures/claims.yaml for %s)", suite.Platform())
			Expect(s.Listening()).To(BeTrue(), "the socket after listen()")
			_, err = s.Accept()
			Expect(err).To(FailWithErrno(unix.EAGAIN), "accept on the listener with nobody queued")
			suite.Evidence("%s: before listen: SO_ACCEPTCONN %s, accept → EINVAL; after listen: SO_ACCEPTCONN %s, accept → EAGAIN (%s)",
				f.Name, sockopt(before, errBefore), sockopt(after, errAfter), suite.Platform())
			suite.Observed(f.Name+": SO_ACCEPTCONN before listen", sockopt(before, errBefore))
			suite.Observed(f.Name+": SO_ACCEPTCONN after listen", sockopt(after, errAfter))
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

// sockopt says what getsockopt answered, for the evidence.
func sockopt(v int, err error) string {
	if err != nil {
		return "→ " + errno.Describe(err)
	}
	return fmt.Sprint(v)
}
