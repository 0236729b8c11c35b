package server

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	"sockspec/helpers/errno"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("bind() fails when another socket uses the port", suite.Checks("bind.addrinuse"), func() {
	DescribeTable("a second socket binding an address and port in use gets EADDRINUSE",
		func(f sock.Family, typ int, listen bool, firstOnWildcard bool) {
			first := sock.Open(f, typ)
			bindTo := netip.AddrPortFrom(f.Loopback, 0)
			if firstOnWildcard {
				bindTo = netip.AddrPortFrom(f.Any, 0) // bound, never listening: it takes no connections
			}
			Expect(first.Bind(bindTo)).To(SucceedSyscall())
			if listen {
				Expect(first.Listen(1)).To(SucceedSyscall())
			}
			taken := netip.AddrPortFrom(f.Loopback, first.Local().Port())
			second := sock.Open(f, typ)
			Expect(second.Bind(taken)).To(FailWithErrno(unix.EADDRINUSE), "bind %s while %s holds %s", taken, first, first.Local())

			// Control: once the first socket is closed, the same bind succeeds.
			Expect(first.Close()).To(Succeed())
			Expect(sock.Open(f, typ).Bind(taken)).To(SucceedSyscall(), "bind %s after the first socket closed", taken)
			suite.Evidence("%s: second bind to %s → EADDRINUSE; after close → bound", CurrentSpecReport().LeafNodeText, taken)
		},
		Entry("TCP/IPv4, first socket listening", sock.IPv4, unix.SOCK_STREAM, true, false),
		Entry("TCP/IPv6, first socket listening", sock.IPv6, unix.SOCK_STREAM, true, false),
		Entry("TCP/IPv4, first socket only bound", sock.IPv4, unix.SOCK_STREAM, false, false),
		Entry("TCP/IPv6, first socket only bound", sock.IPv6, unix.SOCK_STREAM, false, false),
		Entry("UDP/IPv4", sock.IPv4, unix.SOCK_DGRAM, false, false),
		Entry("UDP/IPv6", sock.IPv6, unix.SOCK_DGRAM, false, false),
		Entry("TCP/IPv4, first socket on the wildcard 0.0.0.0", sock.IPv4, unix.SOCK_STREAM, false, true),
		Entry("TCP/IPv6, first socket on the wildcard ::", sock.IPv6, unix.SOCK_STREAM, false, true),
	)

	DescribeTable("TCP and UDP on the same port do not conflict (control)",
		func(f sock.Family) {
			tcp := sock.TCP(f)
			addr := tcp.BindLoopback()
			Expect(sock.UDP(f).Bind(addr)).To(SucceedSyscall(), "UDP bind to %s, which a TCP socket holds", addr)
			suite.Evidence("%s: TCP and UDP both bound to %s", f.Name, addr)
		},
		suite.Families(),
	)

	DescribeTable("binding an already bound socket fails with EINVAL",
		func(f sock.Family) {
			s := sock.TCP(f)
			first := s.BindLoopback()
			Expect(s.Bind(netip.AddrPortFrom(f.Loopback, 0))).To(FailWithErrno(unix.EINVAL), "second bind on %s", s)
			Expect(s.Local()).To(Equal(first), "the first binding stays")
			suite.Evidence("%s: second bind on the same socket → EINVAL; still %s", f.Name, first)
		},
		suite.Families(),
	)

	Describe("SO_REUSEADDR follows each OS's own rules (fixtures/claims.yaml)", func() {
		It("both sockets with SO_REUSEADDR on the same address, neither listening", func() {
			want := suite.Expected[catalog.AddrInUse]().ReuseaddrSameAddress
			a, b := sock.TCP(sock.IPv4), sock.TCP(sock.IPv4)
			a.SetInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			b.SetInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			addr := a.BindLoopback()
			err := b.Bind(addr)
			expectOutcome(err, want.Bind, "second bind to %s, both with SO_REUSEADDR", addr)
			if err != nil {
				suite.Evidence("%s: second bind → %s", suite.Platform(), errno.Describe(err))
				suite.Observed("both with SO_REUSEADDR on one address: second bind", catalog.OutcomeOf(err))
				return
			}
			Expect(a.Listen(1)).To(SucceedSyscall(), "the first listen on %s", addr)
			err = b.Listen(1)
			expectOutcome(err, want.SecondListen, "the second listen on %s", addr)
			suite.Evidence("%s: second bind → ok; first listen → ok; second listen → %s", suite.Platform(), errno.Describe(err))
			suite.Observed("both with SO_REUSEADDR on one address: second bind", "ok")
			suite.Observed("both with SO_REUSEADDR on one address: second listen", catalog.OutcomeOf(err))
		})

		It("a socket with SO_REUSEADDR on 127.0.0.1:P while 0.0.0.0:P listens", func() {
			want := suite.Expected[catalog.AddrInUse]().ReuseaddrSpecificUnderWildcardListener
			// The rule needs a wildcard listener: it listens at a kernel-chosen port for this
			// spec only and never accepts.
			wild := sock.TCP(sock.IPv4)
			Expect(wild.Bind(netip.AddrPortFrom(sock.IPv4.Any, 0))).To(SucceedSyscall())
			Expect(wild.Listen(1)).To(SucceedSyscall())
			specific := netip.AddrPortFrom(sock.IPv4.Loopback, wild.Local().Port())
			s := sock.TCP(sock.IPv4)
			s.SetInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			err := s.Bind(specific)
			expectOutcome(err, want, "bind %s with SO_REUSEADDR while %s listens", specific, wild.Local())
			suite.Evidence("%s: bind %s with SO_REUSEADDR under a 0.0.0.0 listener → %s", suite.Platform(), specific, errno.Describe(err))
			suite.Observed("SO_REUSEADDR bind of 127.0.0.1:P while 0.0.0.0:P listens", catalog.OutcomeOf(err))
		})
	})
})

// expectOutcome checks err against the catalog's outcome for this OS: ok, or an errno.
func expectOutcome(err error, want catalog.Outcome, what string, args ...any) {
	GinkgoHelper()
	desc := append([]any{what + " (fixtures/claims.yaml for " + suite.Platform() + ": " + string(want) + ")"}, args...)
	Expect(want.Judge(err)).To(Succeed(), desc...)
}
