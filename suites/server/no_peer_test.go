package server

import (
	"errors"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	"sockspec/helpers/errno"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("socket() sets options but knows no peer", suite.Checks("socket.no-peer"), func() {
	DescribeTable("a fresh socket has its type but no peer and no address",
		func(f sock.Family, typ int) {
			s := sock.Open(f, typ)
			Expect(s.Int(unix.SOL_SOCKET, unix.SO_TYPE)).To(Equal(typ), "SO_TYPE of %s", s)
			_, err := s.Peer()
			Expect(err).To(FailWithErrno(unix.ENOTCONN), "getpeername on a fresh %s", s)
			Expect(s.Local()).To(Equal(netip.AddrPortFrom(f.Any, 0)), "getsockname on a fresh %s", s)
			suite.Evidence("%s: SO_TYPE %s, getpeername → ENOTCONN, getsockname → %s", CurrentSpecReport().LeafNodeText, sock.TypeName(typ), s.Local())
		},
		Entry("TCP/IPv4", sock.IPv4, unix.SOCK_STREAM),
		Entry("TCP/IPv6", sock.IPv6, unix.SOCK_STREAM),
		Entry("UDP/IPv4", sock.IPv4, unix.SOCK_DGRAM),
		Entry("UDP/IPv6", sock.IPv6, unix.SOCK_DGRAM),
	)

	DescribeTable("the options socket() was given can be read back: SO_DOMAIN, where the OS has it (fixtures/claims.yaml)",
		func(f sock.Family) {
			if !suite.Expected[catalog.NoPeer]().SoDomain {
				skip.Because(skip.OtherOS, "SO_DOMAIN does not exist on %s (fixtures/claims.yaml)", suite.Platform())
			}
			d, err := sock.TCP(f).Domain()
			Expect(errors.Is(err, errors.ErrUnsupported)).To(BeFalse(), "the catalog says %s has SO_DOMAIN, but helpers/sock does not ask for it there: %v", suite.Platform(), err)
			Expect(err).To(SucceedSyscall())
			Expect(d).To(Equal(f.Domain))
			suite.Evidence("%s: SO_DOMAIN %d", f.Name, d)
			suite.Observed(f.Name+": SO_DOMAIN", d)
		},
		suite.Families(),
	)

	DescribeTable("writing to a fresh TCP socket fails, since it has no one to write to",
		func(f sock.Family) {
			want := suite.Expected[catalog.NoPeer]().WriteUnconnectedTCP
			_, err := sock.TCP(f).Write([]byte("x"))
			Expect(want.Judge(err)).To(Succeed(), "write on a fresh TCP/%s socket (fixtures/claims.yaml for %s: %s)", f.Name, suite.Platform(), want)
			suite.Evidence("%s: write on a fresh TCP socket → %s", f.Name, errno.Describe(err))
			suite.Observed(f.Name+": write on a fresh TCP socket", catalog.OutcomeOf(err))
		},
		suite.Families(),
	)

	// Control: the peer appears only once connect() has one, so ENOTCONN above is not a
	// constant answer of getpeername.
	DescribeTable("once connected, getpeername names the server (control)",
		func(f sock.Family) {
			c := sock.Connected(f, suite.MustHappenWithin())
			Expect(c.Client.Peer()).To(Equal(c.Listener.Local()))
			suite.Evidence("%s: after connect, getpeername → %s", f.Name, c.Listener.Local())
		},
		suite.Families(),
	)
})
