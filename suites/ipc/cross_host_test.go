package ipc

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/hosts"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The hosts are Linux network namespaces on one bridged segment (helpers/hosts): each has
// its own interfaces, addresses, loopback and port space, as separate computers do.
var _ = Describe("a socket connects processes on different computers", suite.Checks("ipc.cross-host"), Label("needs:root"), func() {
	DescribeTable("a client on host A reaches a server on host B by B's address; B's child socket has A as its peer",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			n := hosts.New("A", "B")
			a, b := n.Hosts[0], n.Hosts[1]
			server := netip.AddrPortFrom(b.Addr(f), 3000)
			l := b.Listener(f, server, 4)

			// Control: nothing listens on A's own port 3000, so whatever answers below is on B.
			own := a.Socket(f, unix.SOCK_STREAM)
			Expect(own.ConnectWithin(netip.AddrPortFrom(f.Loopback, 3000), within)).To(FailWithErrno(unix.ECONNREFUSED),
				"connect to host A's own loopback port 3000")

			c := a.Socket(f, unix.SOCK_STREAM)
			Expect(c.ConnectWithin(server, within)).To(Succeed(), "connect from host A to %s on host B", server)
			client := c.Local()
			Expect(client.Addr()).To(Equal(a.Addr(f)), "the client's address is host A's")
			child := l.AcceptWithin(within)
			Expect(child.Local()).To(Equal(server), "the child socket's local address is host B's, with the server's port")
			Expect(child.Peer()).To(Equal(client), "the child socket's peer is the client on host A")

			c.WriteAll([]byte("hello from A"))
			Expect(string(child.ReadWithin(12, within))).To(Equal("hello from A"))
			child.WriteAll([]byte("hello from B"))
			Expect(string(c.ReadWithin(12, within))).To(Equal("hello from B"))
			suite.Evidence("%s: host A (net ns %d) connected to %s on host B (net ns %d); B's child socket: local %s, peer %s; bytes both ways; A's own loopback port 3000 → ECONNREFUSED",
				f.Name, a.NetNS, server, b.NetNS, child.Local(), client)
		},
		suite.Families(),
	)
})

var _ = Describe("a pipe cannot be reached from another computer", suite.Checks("ipc.cross-host"), func() {
	It("a pipe has no address that a client on another host could connect to", func() {
		r, w := sock.Pipe()
		for _, fd := range []*sock.FD{r, w} {
			Expect(fd.Kind()).To(Equal(uint32(unix.S_IFIFO)), "fstat on %v", fd)
			_, err := unix.Getsockname(fd.Num)
			Expect(err).To(FailWithErrno(unix.ENOTSOCK), "getsockname on %v", fd)
			_, err = unix.Getpeername(fd.Num)
			Expect(err).To(FailWithErrno(unix.ENOTSOCK), "getpeername on %v", fd)
		}
		suite.Evidence("pipe: fstat S_IFIFO; getsockname, getpeername → ENOTSOCK on both ends: no IP address or port for a client elsewhere to connect to; only its descriptors, inherited or passed, reach it")
	})
})
