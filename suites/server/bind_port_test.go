package server

import (
	"errors"
	"fmt"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("bind() decides the socket's port", suite.Checks("bind.assigns-port"), func() {
	DescribeTable("bind() to port 0 makes the kernel pick a port from the live ephemeral range",
		func(f sock.Family, typ int) {
			lo, hi, source, err := sock.EphemeralRange()
			Expect(err).NotTo(HaveOccurred(), "reading the ephemeral range from %s", source)
			s := sock.Open(f, typ)
			got := s.BindLoopback()
			Expect(got.Addr()).To(Equal(f.Loopback))
			Expect(int(got.Port())).To(And(BeNumerically(">=", lo), BeNumerically("<=", hi)),
				"port chosen for %s, against the range %d-%d of %s", s, lo, hi, source)
			suite.Evidence("%s: bind port 0 → %d (range %d-%d, %s)", CurrentSpecReport().LeafNodeText, got.Port(), lo, hi, source)
			suite.Observed("ephemeral port range", fmt.Sprintf("%d-%d", lo, hi))
		},
		Entry("TCP/IPv4", sock.IPv4, unix.SOCK_STREAM),
		Entry("TCP/IPv6", sock.IPv6, unix.SOCK_STREAM),
		Entry("UDP/IPv4", sock.IPv4, unix.SOCK_DGRAM),
		Entry("UDP/IPv6", sock.IPv6, unix.SOCK_DGRAM),
	)

	DescribeTable("bind() to a port the application chose gives the socket exactly that port",
		func(f sock.Family) {
			// A port known to be free: one the kernel just handed out and took back. Another
			// process could take it in between, so a refusal is retried with a new port.
			var s *sock.Socket
			var want netip.AddrPort
			var err error
			for range 3 {
				probe := sock.TCP(f)
				want = probe.BindLoopback()
				Expect(probe.Close()).To(Succeed())
				s = sock.TCP(f)
				if err = s.Bind(want); !errors.Is(err, unix.EADDRINUSE) {
					break
				}
			}
			Expect(err).To(SucceedSyscall(), "bind to %s, a port the kernel had just freed (3 tries)", want)
			Expect(s.Local()).To(Equal(want), "getsockname after bind to %s", want)
			suite.Evidence("%s: bind %s → getsockname %s", f.Name, want, s.Local())
		},
		suite.Families(),
	)

	DescribeTable("listen() on a socket never bound binds it to the wildcard address and an ephemeral port first",
		func(f sock.Family) {
			lo, hi, source, err := sock.EphemeralRange()
			Expect(err).NotTo(HaveOccurred(), "reading the ephemeral range from %s", source)
			s := sock.TCP(f)
			Expect(s.Local()).To(Equal(netip.AddrPortFrom(f.Any, 0)), "getsockname before listen()")
			Expect(s.Listen(1)).To(SucceedSyscall())
			got := s.Local()
			Expect(got.Addr()).To(Equal(f.Any))
			Expect(int(got.Port())).To(And(BeNumerically(">=", lo), BeNumerically("<=", hi)),
				"port chosen by listen() for %s, against the range %d-%d of %s", s, lo, hi, source)
			suite.Evidence("%s: listen without bind → local %s (range %d-%d)", f.Name, got, lo, hi)
		},
		suite.Families(),
	)

	DescribeTable("connect() on a socket never bound binds it to an ephemeral port first",
		func(f sock.Family) {
			lo, hi, source, err := sock.EphemeralRange()
			Expect(err).NotTo(HaveOccurred(), "reading the ephemeral range from %s", source)
			c := sock.Connected(f, suite.MustHappenWithin())
			got := c.Client.Local()
			Expect(got.Addr()).To(Equal(f.Loopback))
			Expect(int(got.Port())).To(And(BeNumerically(">=", lo), BeNumerically("<=", hi)),
				"port chosen by connect() for %s, against the range %d-%d of %s", c.Client, lo, hi, source)
			suite.Evidence("%s: connect without bind → local %s (range %d-%d)", f.Name, got, lo, hi)
		},
		suite.Families(),
	)
})
