package descriptors

import (
	"io"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a socket has no offset, so lseek does not work on it", suite.Checks("fd.no-lseek"), func() {
	// open gives the descriptor to read from and the one to write to: the same socket, or a
	// pipe's two ends (pwrite on a pipe's read end is refused before any offset is looked
	// at: EBADF on macOS, XNU preparefilewrite).
	DescribeTable("lseek, pread and pwrite fail with ESPIPE",
		func(open func() (r, w *sock.FD)) {
			r, w := open()
			for _, fd := range slices.Compact([]*sock.FD{r, w}) {
				for whence, name := range map[int]string{io.SeekStart: "SEEK_SET", io.SeekCurrent: "SEEK_CUR", io.SeekEnd: "SEEK_END"} {
					_, err := unix.Seek(fd.Num, 0, whence)
					Expect(err).To(FailWithErrno(unix.ESPIPE), "lseek(%v, 0, %s)", fd, name)
				}
			}
			_, err := unix.Pread(r.Num, make([]byte, 1), 0)
			Expect(err).To(FailWithErrno(unix.ESPIPE), "pread on %v", r)
			_, err = unix.Pwrite(w.Num, []byte("x"), 0)
			Expect(err).To(FailWithErrno(unix.ESPIPE), "pwrite on %v", w)
			suite.Evidence("%s: lseek, pread, pwrite → ESPIPE", CurrentSpecReport().LeafNodeText)
		},
		Entry("TCP/IPv4, unbound", both(func() *sock.FD { return sock.TCP(sock.IPv4).FD })),
		Entry("TCP/IPv6, unbound", both(func() *sock.FD { return sock.TCP(sock.IPv6).FD })),
		Entry("TCP/IPv4, listening", both(func() *sock.FD { return sock.Listener(sock.IPv4, 1).FD })),
		Entry("TCP/IPv6, listening", both(func() *sock.FD { return sock.Listener(sock.IPv6, 1).FD })),
		Entry("TCP/IPv4, connected", both(func() *sock.FD { return sock.Connected(sock.IPv4, suite.MustHappenWithin()).Server.FD })),
		Entry("TCP/IPv6, connected", both(func() *sock.FD { return sock.Connected(sock.IPv6, suite.MustHappenWithin()).Server.FD })),
		Entry("UDP/IPv4", both(func() *sock.FD { return sock.UDP(sock.IPv4).FD })),
		Entry("UDP/IPv6", both(func() *sock.FD { return sock.UDP(sock.IPv6).FD })),
		Entry("Unix stream", both(func() *sock.FD { a, _ := sock.UnixPair(unix.SOCK_STREAM); return a.FD })),
		Entry("Unix datagram", both(func() *sock.FD { a, _ := sock.UnixPair(unix.SOCK_DGRAM); return a.FD })),
		Entry("a pipe, which has no offset either (pread on its read end, pwrite on its write end)", func() (r, w *sock.FD) { return sock.Pipe() }),
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

// both uses one socket for reading and writing.
func both(open func() *sock.FD) func() (r, w *sock.FD) {
	return func() (r, w *sock.FD) { fd := open(); return fd, fd }
}
