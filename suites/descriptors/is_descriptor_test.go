package descriptors

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a socket descriptor is a file descriptor", suite.Claim("fd.is-descriptor"), func() {
	DescribeTable("socket() returns a small non-negative number that fstat reports as S_IFSOCK",
		func(open func() *sock.Socket) {
			s := open()
			var lim unix.Rlimit
			Expect(unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)).To(Succeed())
			Expect(s.Num).To(And(BeNumerically(">=", 0), BeNumerically("<", lim.Cur)),
				"a descriptor is an index into the process's table, below RLIMIT_NOFILE (%d)", lim.Cur)
			Expect(s.Kind()).To(Equal(uint32(unix.S_IFSOCK)), "fstat on %s: st_mode type", s)
			suite.Evidence("%s: fd %d, fstat S_IFSOCK", CurrentSpecReport().LeafNodeText, s.Num)
		},
		Entry("TCP/IPv4", func() *sock.Socket { return sock.TCP(sock.IPv4) }),
		Entry("TCP/IPv6", func() *sock.Socket { return sock.TCP(sock.IPv6) }),
		Entry("UDP/IPv4", func() *sock.Socket { return sock.UDP(sock.IPv4) }),
		Entry("UDP/IPv6", func() *sock.Socket { return sock.UDP(sock.IPv6) }),
		Entry("Unix stream", func() *sock.Socket { a, _ := sock.UnixPair(unix.SOCK_STREAM); return a }),
	)

	// Control: fstat tells the kinds apart, so the S_IFSOCK above is not a constant answer.
	It("fstat reports S_IFREG for a regular file and S_IFIFO for a pipe (control)", func() {
		f, _ := sock.TempFile("x")
		r, _ := sock.Pipe()
		Expect(f.Kind()).To(Equal(uint32(unix.S_IFREG)))
		Expect(r.Kind()).To(Equal(uint32(unix.S_IFIFO)))
		suite.Evidence("regular file fd %d: S_IFREG; pipe fd %d: S_IFIFO", f.Num, r.Num)
	})

	It("socket() and open() draw their numbers from the same table", func() {
		// Each call takes the lowest free number, so a number freed by one kind is the next
		// number the other kind gets.
		f, path := sock.TempFile("x")
		n := f.Num
		Expect(f.Close()).To(Succeed())
		s := sock.TCP(sock.IPv4)
		Expect(s.Num).To(Equal(n), "socket() after closing the file's fd %d", n)
		Expect(s.Close()).To(Succeed())
		again, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		Expect(err).NotTo(HaveOccurred())
		sock.Track(again, "regular file")
		Expect(again).To(Equal(n), "open() after closing the socket's fd %d", n)
		suite.Evidence("open() → fd %d; close; socket() → fd %d; close; open() → fd %d", n, s.Num, again)
	})
})
