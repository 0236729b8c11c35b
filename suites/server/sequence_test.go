package server

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	"sockspec/helpers/errno"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a server prepares with socket(), bind(), listen(), accept()", suite.Checks("server.sequence"), func() {
	DescribeTable("the four calls in this order make a working server",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			s := sock.TCP(f)                          // socket()
			addr := s.BindLoopback()                  // bind()
			Expect(s.Listen(4)).To(SucceedSyscall())  // listen()
			client := sock.Dial(f, addr)              // a client arrives
			s.SetNonblock(true)                       // so a broken kernel fails the spec instead of hanging it
			child := s.AcceptWithin(within)           // accept()
			Expect(client).To(CompleteWithin(within)) // the client's side is connected too
			client.WriteAll([]byte("ping"))
			Expect(string(child.ReadWithin(4, within))).To(Equal("ping"))
			child.WriteAll([]byte("pong"))
			Expect(string(client.ReadWithin(4, within))).To(Equal("pong"))
			suite.Evidence("%s: socket → fd %d, bind → %s, listen, accept → fd %d; ping and pong exchanged", f.Name, s.Num, addr, child.Num)
		},
		suite.Families(),
	)

	DescribeTable("accept() before listen() fails with EINVAL; after listen() it works (control)",
		func(f sock.Family) {
			s := sock.TCP(f)
			addr := s.BindLoopback()
			_, err := s.Accept()
			Expect(err).To(FailWithErrno(unix.EINVAL), "accept on a bound socket that is not listening")
			Expect(s.Listen(1)).To(SucceedSyscall())
			c := sock.Dial(f, addr)
			s.SetNonblock(true)
			s.AcceptWithin(suite.MustHappenWithin())
			Expect(c).To(CompleteWithin(suite.MustHappenWithin()))
			suite.Evidence("%s: accept before listen → EINVAL; after listen → a child socket", f.Name)
		},
		suite.Families(),
	)

	DescribeTable("connect() to a bound socket that is not listening gets no connection (refused, or no answer: fixtures/claims.yaml); after listen() it completes (control)",
		func(f sock.Family) {
			want := suite.Expected[catalog.Sequence]().ConnectBoundNotListening
			within := suite.MustHappenWithin()
			s := sock.TCP(f)
			addr := s.BindLoopback()
			// An answer the kernel gives comes within the bound; one it must not give is
			// watched for as long as the profile watches for anything that must not happen.
			watch := within
			if !want.Answered() {
				watch = suite.MustNotHappenFor()
			}
			err := sock.TCP(f).ConnectWithin(addr, watch)
			done := !errors.Is(err, sock.ErrInProgress)
			if !done {
				err = nil
			}
			Expect(want.Judge(done, err)).To(Succeed(), "connect to %s, bound but not listening (fixtures/claims.yaml for %s: %s)", addr, suite.Platform(), want)
			Expect(s.Listen(1)).To(SucceedSyscall())
			Expect(sock.TCP(f).ConnectWithin(addr, within)).To(SucceedSyscall(), "connect to %s after listen()", addr)
			suite.Evidence("%s: connect to %s before listen → %s (watched %v); after listen → connected", f.Name, addr, outcome(done, err), watch)
			suite.Observed(f.Name+": connect to a bound socket that is not listening", catalog.ConnectOutcomeOf(done, err))
		},
		suite.Families(),
	)
})

// outcome says how a connect ended, for the evidence.
func outcome(done bool, err error) string {
	switch {
	case !done:
		return "no answer, still in progress"
	case err != nil:
		return errno.Describe(err)
	}
	return "connected"
}
