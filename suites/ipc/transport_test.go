package ipc

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("the socket API is where the application hands data to the transport layer", suite.Checks("socket.transport-layer"), func() {
	DescribeTable("the socket type picks the transport: SOCK_STREAM is TCP, SOCK_DGRAM is UDP (SO_PROTOCOL, where the OS has it: fixtures/claims.yaml)",
		func(f sock.Family, typ, proto int, name string) {
			if !suite.Expected[catalog.Transport]().SoProtocol {
				skip.Because(skip.OtherOS, "SO_PROTOCOL does not exist on %s (fixtures/claims.yaml); SO_TYPE is checked by socket.no-peer", suite.Platform())
			}
			s := sock.Open(f, typ)
			got, err := s.Protocol()
			Expect(errors.Is(err, errors.ErrUnsupported)).To(BeFalse(), "the catalog says %s has SO_PROTOCOL, but helpers/sock does not ask for it there: %v", suite.Platform(), err)
			Expect(err).To(SucceedSyscall())
			Expect(got).To(Equal(proto), "SO_PROTOCOL of a %s socket", sock.TypeName(typ))
			suite.Evidence("%s %s: SO_PROTOCOL %s", f.Name, sock.TypeName(typ), name)
			suite.Observed(f.Name+" "+sock.TypeName(typ)+": SO_PROTOCOL", name)
		},
		Entry("IPv4 stream", sock.IPv4, unix.SOCK_STREAM, unix.IPPROTO_TCP, "IPPROTO_TCP"),
		Entry("IPv6 stream", sock.IPv6, unix.SOCK_STREAM, unix.IPPROTO_TCP, "IPPROTO_TCP"),
		Entry("IPv4 datagram", sock.IPv4, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "IPPROTO_UDP"),
		Entry("IPv6 datagram", sock.IPv6, unix.SOCK_DGRAM, unix.IPPROTO_UDP, "IPPROTO_UDP"),
	)

	DescribeTable("the kernel runs the TCP handshake: connect completes with no server code running",
		func(f sock.Family) {
			l := sock.Listener(f, 1) // the "server" never calls accept, read or anything else
			Expect(sock.Dial(f, l.Local())).To(CompleteWithin(suite.MustHappenWithin()))
			suite.Evidence("%s: connect to %s completed; the server process ran no code for it", f.Name, l.Local())
		},
		suite.Families(),
	)

	// Only read(2) and write(2): a read shorter than what was written shows where the
	// transport keeps boundaries. UDP hands out one datagram per read and drops what did not
	// fit; TCP hands out the next bytes of one stream, whatever the writes were.
	DescribeTable("the transport decides the message boundaries: UDP keeps each send whole, TCP is one byte stream",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			rcv, snd := sock.UDP(f), sock.UDP(f)
			Expect(snd.Connect(rcv.BindLoopback())).To(SucceedSyscall())
			snd.WriteAll([]byte("abcde"))
			snd.WriteAll([]byte("fg"))
			Expect(string(readOnce(rcv, 2, within))).To(Equal("ab"), "a 2-byte read of the UDP datagram \"abcde\"")
			Expect(string(readOnce(rcv, 64, within))).To(Equal("fg"), "the next read: the next datagram; \"cde\" went with the first")

			c := sock.Connected(f, within)
			c.Client.WriteAll([]byte("abcde"))
			c.Client.WriteAll([]byte("fg"))
			Expect(string(readOnce(c.Server, 2, within))).To(Equal("ab"), "a 2-byte read of the TCP stream")
			Expect(string(c.Server.ReadWithin(5, within))).To(Equal("cdefg"), "the rest of the first write, then the second")
			suite.Evidence("%s: writes \"abcde\", \"fg\", then a 2-byte read and the rest: UDP \"ab\", \"fg\" (the rest of the datagram dropped); TCP \"ab\", \"cdefg\" (one stream)", f.Name)
		},
		suite.Families(),
	)
})

// readOnce waits for something to read on fd and makes one read(2) of at most n bytes.
func readOnce(fd *sock.Socket, n int, within time.Duration) []byte {
	GinkgoHelper()
	Expect(fd.Readable(within)).To(BeTrue(), "nothing to read on %s within %v", fd, within)
	buf := make([]byte, n)
	k, err := fd.Read(buf)
	Expect(err).To(SucceedSyscall(), "read on %s", fd)
	return buf[:k]
}
