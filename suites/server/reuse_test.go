package server

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The tutorial infers that sockets can be "recycled". The kernel's answer: an unconnected
// socket can be aimed anywhere, a connected TCP socket cannot be aimed again, a UDP socket
// can, and what close() recycles is the descriptor number.
var _ = Describe("a socket can be reused (qualified)", suite.Checks("socket.reuse"), func() {
	DescribeTable("a connected TCP socket cannot be re-aimed: connect again → EISCONN, bind → EINVAL",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			first, other := sock.Listener(f, 1), sock.Listener(f, 1)
			// ConnectWithin leaves the socket connected in the socket layer's state too: after
			// a bare non-blocking connect, Linux answers the next connect() with 0, not EISCONN.
			c := sock.TCP(f)
			Expect(c.ConnectWithin(first.Local(), within)).To(SucceedSyscall())
			Expect(c.Connect(other.Local())).To(FailWithErrno(unix.EISCONN), "connect a connected socket to a second listener")
			Expect(c.Bind(netip.AddrPortFrom(f.Loopback, 0))).To(FailWithErrno(unix.EINVAL), "bind a connected socket")
			Expect(c.Peer()).To(Equal(first.Local()), "the connection is unchanged")
			// Control: an unconnected socket can be aimed at that same second listener.
			Expect(sock.TCP(f).ConnectWithin(other.Local(), within)).To(SucceedSyscall(), "a fresh socket connecting to %s", other.Local())
			suite.Evidence("%s: connected TCP socket: connect again → EISCONN, bind → EINVAL; a fresh socket connects to the second listener", f.Name)
		},
		suite.Families(),
	)

	DescribeTable("a UDP socket can be re-connected to another peer",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			a, b := sock.UDP(f), sock.UDP(f)
			aAddr, bAddr := a.BindLoopback(), b.BindLoopback()
			u := sock.UDP(f)
			Expect(u.Connect(aAddr)).To(SucceedSyscall())
			Expect(u.Peer()).To(Equal(aAddr))
			Expect(u.Connect(bAddr)).To(SucceedSyscall(), "connect the UDP socket to a second peer")
			Expect(u.Peer()).To(Equal(bAddr))
			u.WriteAll([]byte("to b"))
			Expect(string(b.ReadOnce(within))).To(Equal("to b"))
			Expect(a.ReadOnce(suite.MustNotHappenFor())).To(BeEmpty(), "the first peer gets nothing after the re-connect")
			suite.Evidence("%s: UDP peer %s, then %s; the datagram went to the second", f.Name, aAddr, bAddr)
		},
		suite.Families(),
	)

	DescribeTable("close() ends the socket; only its descriptor number can come back, on a new socket",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			c := sock.Connected(f, within)
			n := c.Client.Num
			Expect(c.Client.Close()).To(Succeed())
			var st unix.Stat_t
			Expect(unix.Fstat(n, &st)).To(FailWithErrno(unix.EBADF), "fstat on fd %d after close: the number names nothing now", n)
			// The connection ended with the socket: the server's side reads end of file.
			Expect(c.Server.Readable(within)).To(BeTrue(), "%s after the client closed", c.Server)
			got, err := c.Server.Read(make([]byte, 1))
			Expect(err).To(SucceedSyscall())
			Expect(got).To(Equal(0), "read on %s after the client closed: end of file", c.Server)

			fresh := sock.TCP(f)
			_, err = fresh.Peer()
			Expect(err).To(FailWithErrno(unix.ENOTCONN), "the new socket (fd %d) has no peer", fresh.Num)
			Expect(fresh.Local()).To(Equal(netip.AddrPortFrom(f.Any, 0)), "and no address")
			suite.Evidence("%s: closed connected fd %d: fstat → EBADF, the server read end of file; socket() → fd %d with no peer (ENOTCONN) and address %s",
				f.Name, n, fresh.Num, fresh.Local())
		},
		suite.Families(),
	)
})
