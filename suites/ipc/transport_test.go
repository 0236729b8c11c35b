package ipc

import (
	"errors"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("the socket API is where the application hands data to the transport layer", suite.Claim("socket.transport-layer"), func() {
	DescribeTable("the socket type picks the transport: SOCK_STREAM is TCP, SOCK_DGRAM is UDP (SO_PROTOCOL, Linux only)",
		func(f sock.Family, typ, proto int, name string) {
			s := sock.Open(f, typ)
			got, err := s.Protocol()
			if errors.Is(err, errors.ErrUnsupported) {
				Skip("SO_PROTOCOL does not exist on " + runtime.GOOS + "; SO_TYPE is checked by socket.no-peer")
			}
			Expect(err).To(SucceedSyscall())
			Expect(got).To(Equal(proto), "SO_PROTOCOL of a %s socket", sock.TypeName(typ))
			suite.Evidence("%s %s: SO_PROTOCOL %s", f.Name, sock.TypeName(typ), name)
		},
		Entry("IPv4 stream", sock.IPv4, unix.SOCK_STREAM, unix.IPPROTO_TCP, "IPPROTO_TCP"),
		Entry("IPv6 stream", sock.IPv6, unix.SOCK_STREAM, unix.IPPROTO_TCP, "IPPROTO_TCP"),
		Entry("IPv4 datagram", sock.IPv4, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "IPPROTO_UDP"),
		Entry("IPv6 datagram", sock.IPv6, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "IPPROTO_UDP"),
	)

	DescribeTable("the kernel runs the TCP handshake: connect completes with no server code running",
		func(f sock.Family) {
			l := sock.Listener(f, 1) // the "server" never calls accept, read or anything else
			Expect(sock.Dial(f, l.Local())).To(CompleteWithin(suite.CompleteWithin()))
			suite.Evidence("%s: connect to %s completed; the server process ran no code for it", f.Name, l.Local())
		},
		suite.Families(),
	)

	DescribeTable("the transport decides the message boundaries: UDP keeps each send whole, TCP is one byte stream",
		func(f sock.Family) {
			within := suite.CompleteWithin()
			// UDP: two sends arrive as two datagrams, whatever the reader's buffer size.
			rcv, snd := sock.UDP(f), sock.UDP(f)
			Expect(snd.Connect(rcv.BindLoopback())).To(SucceedSyscall())
			snd.Write([]byte("ab"))
			snd.Write([]byte("cde"))
			Expect(string(rcv.ReadOnce(within))).To(Equal("ab"), "the first read returns the first datagram only")
			Expect(string(rcv.ReadOnce(within))).To(Equal("cde"))

			// TCP: once both writes have arrived, one read returns them together. SO_RCVLOWAT
			// makes poll wait until all 5 bytes are queued.
			c := sock.Connected(f, within)
			c.Server.SetInt(unix.SOL_SOCKET, unix.SO_RCVLOWAT, 5)
			c.Client.Write([]byte("ab"))
			c.Client.Write([]byte("cde"))
			p := []unix.PollFd{{Fd: int32(c.Server.Num), Events: unix.POLLIN}}
			Expect(unix.Poll(p, int(within/time.Millisecond))).To(Equal(1), "5 bytes queued on the TCP child within %v", within)
			buf := make([]byte, 64)
			n, err := unix.Read(c.Server.Num, buf)
			Expect(err).To(SucceedSyscall())
			Expect(string(buf[:n])).To(Equal("abcde"), "one read over two writes")
			suite.Evidence("%s: UDP sends \"ab\", \"cde\" → reads \"ab\", \"cde\"; TCP writes \"ab\", \"cde\" → one read \"abcde\"", f.Name)
		},
		suite.Families(),
	)
})
