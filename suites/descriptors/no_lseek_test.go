package descriptors

import (
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a socket has no offset, so lseek does not work on it", suite.Checks("fd.no-lseek"), func() {
	DescribeTable("lseek, pread and pwrite fail with ESPIPE",
		func(open func() *sock.FD) {
			fd := open()
			for whence, name := range map[int]string{io.SeekStart: "SEEK_SET", io.SeekCurrent: "SEEK_CUR", io.SeekEnd: "SEEK_END"} {
				_, err := unix.Seek(fd.Num, 0, whence)
				Expect(err).To(FailWithErrno(unix.ESPIPE), "lseek(%v, 0, %s)", fd, name)
			}
			_, err := unix.Pread(fd.Num, make([]byte, 1), 0)
			Expect(err).To(FailWithErrno(unix.ESPIPE), "pread on %v", fd)
			_, err = unix.Pwrite(fd.Num, []byte("x"), 0)
			Expect(err).To(FailWithErrno(unix.ESPIPE), "pwrite on %v", fd)
			suite.Evidence("%s: lseek, pread, pwrite → ESPIPE", CurrentSpecReport().LeafNodeText)
		},
		Entry("TCP/IPv4, unbound", func() *sock.FD { return sock.TCP(sock.IPv4).FD }),
		Entry("TCP/IPv6, unbound", func() *sock.FD { return sock.TCP(sock.IPv6).FD }),
		Entry("TCP/IPv4, listening", func() *sock.FD { return sock.Listener(sock.IPv4, 1).FD }),
		Entry("TCP/IPv6, listening", func() *sock.FD { return sock.Listener(sock.IPv6, 1).FD }),
		Entry("TCP/IPv4, connected", func() *sock.FD { return sock.Connected(sock.IPv4, suite.MustHappenWithin()).Server.FD }),
		Entry("TCP/IPv6, connected", func() *sock.FD { return sock.Connected(sock.IPv6, suite.MustHappenWithin()).Server.FD }),
		Entry("UDP/IPv4", func() *sock.FD { return sock.UDP(sock.IPv4).FD }),
		Entry("UDP/IPv6", func() *sock.FD { return sock.UDP(sock.IPv6).FD }),
		Entry("Unix stream", func() *sock.FD { a, _ := sock.UnixPair(unix.SOCK_STREAM); return a.FD }),
		Entry("Unix datagram", func() *sock.FD { a, _ := sock.UnixPair(unix.SOCK_DGRAM); return a.FD }),
		Entry("a pipe, which has no offset either", func() *sock.FD { r, _ := sock.Pipe(); return r }),
	)

	// Control: the same calls work on a regular file, so ESPIPE above comes from the socket.
	It("lseek, pread and pwrite work on a regular file (control)", func() {
		f, _ := sock.TempFile("0123456789")
		Expect(unix.Seek(f.Num, 3, io.SeekStart)).To(BeEquivalentTo(3), "lseek(file, 3, SEEK_SET)")
		Expect(unix.Seek(f.Num, 2, io.SeekCurrent)).To(BeEquivalentTo(5), "lseek(file, 2, SEEK_CUR)")
		buf := make([]byte, 4)
		Expect(unix.Pread(f.Num, buf, 6)).To(Equal(4))
		Expect(string(buf)).To(Equal("6789"))
		Expect(unix.Pwrite(f.Num, []byte("AB"), 0)).To(Equal(2))
		Expect(unix.Seek(f.Num, 0, io.SeekCurrent)).To(BeEquivalentTo(5), "pread and pwrite leave the offset alone")
		suite.Evidence("regular file: lseek → 3, then 5; pread at 6 → %q; pwrite at 0 → 2 bytes", buf)
	})
})
