package ipc

import (
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a socket is one application's communication endpoint", suite.Checks("socket.endpoint"), func() {
	DescribeTable("a TCP and a UDP socket on the same port number are two endpoints; each gets only its own traffic",
		func(f sock.Family) {
			within, watch := suite.MustHappenWithin(), suite.MustNotHappenFor()
			tcp := sock.Listener(f, 4)
			port := tcp.Local()
			udp := sock.UDP(f)
			Expect(udp.Bind(port)).To(SucceedSyscall(), "UDP bind to %s, the TCP listener's address", port)

			c := sock.Dial(f, port)
			Expect(tcp.AcceptWithin(within).Peer()).To(Equal(c.Local()), "the TCP connection reaches the TCP socket")
			Expect(c).To(CompleteWithin(within))
			Expect(udp.ReadOnce(watch)).To(BeEmpty(), "the UDP socket on the same port sees nothing of it")

			sender := sock.UDP(f)
			Expect(sender.Connect(port)).To(SucceedSyscall())
			sender.WriteAll([]byte("datagram"))
			Expect(string(udp.ReadOnce(within))).To(Equal("datagram"), "the datagram reaches the UDP socket")
			_, err := tcp.Accept()
			Expect(err).To(FailWithErrno(unix.EAGAIN), "the TCP listener gets no connection from a datagram")
			suite.Evidence("%s port %d: TCP connection → TCP socket only; UDP datagram → UDP socket only", f.Name, port.Port())
		},
		suite.Families(),
	)

	DescribeTable("a port no socket owns is refused: the host as a whole takes nothing",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			// A port that was free a moment ago: the kernel handed it out and took it back.
			probe := sock.TCP(f)
			addr := probe.BindLoopback()
			Expect(probe.Close()).To(Succeed())
			Expect(sock.TCP(f).ConnectWithin(addr, within)).To(FailWithErrno(unix.ECONNREFUSED), "TCP connect to %s, owned by no socket", addr)

			// UDP: the host answers with ICMP port unreachable, which a connected UDP socket
			// reports on its next call.
			u := sock.UDP(f)
			Expect(u.Connect(addr)).To(SucceedSyscall())
			u.WriteAll([]byte("anyone?"))
			u.SetNonblock(true)
			var err error
			Eventually(func() error { _, err = u.Read(make([]byte, 8)); return err }).
				WithTimeout(within).WithPolling(5 * time.Millisecond).
				ShouldNot(MatchError(unix.EAGAIN))
			Expect(err).To(FailWithErrno(unix.ECONNREFUSED), "read on a UDP socket connected to %s", addr)
			suite.Evidence("%s: %s owned by no socket: TCP connect → ECONNREFUSED, UDP → ECONNREFUSED (ICMP port unreachable)", f.Name, addr)
		},
		suite.Families(),
	)

	It("a Unix-domain socket's endpoint is a path: a connect reaches the socket bound there, and only while it is", func() {
		within := suite.MustHappenWithin()
		path := filepath.Join(sock.ShortTempDir(), "endpoint.sock")
		l := sock.UnixSocket(unix.SOCK_STREAM)
		Expect(l.BindPath(path)).To(SucceedSyscall())
		Expect(l.Listen(4)).To(SucceedSyscall())
		l.SetNonblock(true)

		c := sock.UnixSocket(unix.SOCK_STREAM)
		Expect(c.ConnectPath(path)).To(SucceedSyscall())
		child := l.AcceptWithin(within)
		Expect(child.Name()).To(Equal(path), "the accepted child's own address is the listener's path")

		Expect(l.Close()).To(Succeed())
		err := sock.UnixSocket(unix.SOCK_STREAM).ConnectPath(path)
		Expect(err).To(FailWithErrno(unix.ECONNREFUSED), "connect to %s after its socket closed (the file remains)", path)
		suite.Evidence("Unix %s: connect → accepted, child's address %s; after close → ECONNREFUSED", path, child.Name())
	})
})
