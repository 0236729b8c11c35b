package descriptors

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("a socket descriptor is a file descriptor", suite.Checks("fd.is-descriptor"), func() {
	DescribeTable("socket() returns a number that indexes the process's descriptor table, where it is a socket (S_IFSOCK)",
		func(open func() *sock.Socket) {
			before, err := fdtable.Self()
			Expect(err).NotTo(HaveOccurred())
			s := open()
			after, err := fdtable.Self()
			Expect(err).NotTo(HaveOccurred())

			// The OS's own view of the table (/proc/self/fd, /dev/fd) has exactly one new entry:
			// the socket, under the number socket() returned.
			var st unix.Stat_t
			Expect(unix.Fstat(s.Num, &st)).To(Succeed(), "fstat on %s", s)
			Expect(fdtable.Diff(before, after)).To(ConsistOf(And(
				HaveField("FD", s.Num), HaveField("Kind", fdtable.Socket), HaveField("Ino", uint64(st.Ino)))),
				"the descriptors this process opened, from the OS's table, for socket() → %d", s.Num)
			Expect(uint32(st.Mode)&unix.S_IFMT).To(Equal(uint32(unix.S_IFSOCK)), "fstat on %s: st_mode type", s)
			suite.Evidence("%s: socket() → fd %d; the descriptor table lists fd %d as a socket (inode %d); fstat S_IFSOCK",
				CurrentSpecReport().LeafNodeText, s.Num, s.Num, st.Ino)
		},
		Entry("TCP/IPv4", func() *sock.Socket { return sock.TCP(sock.IPv4) }),
		Entry("TCP/IPv6", func() *sock.Socket { return sock.TCP(sock.IPv6) }),
		Entry("UDP/IPv4", func() *sock.Socket { return sock.UDP(sock.IPv4) }),
		Entry("UDP/IPv6", func() *sock.Socket { return sock.UDP(sock.IPv6) }),
		Entry("Unix stream", func() *sock.Socket { return sock.UnixSocket(unix.SOCK_STREAM) }),
	)

	// Control: fstat tells the kinds apart, so the S_IFSOCK above is not a constant answer.
	It("fstat reports S_IFREG for a regular file and S_IFIFO for a pipe (control)", func() {
		f, _ := sock.TempFile("x")
		r, _ := sock.Pipe()
		Expect(f.Kind()).To(Equal(uint32(unix.S_IFREG)))
		Expect(r.Kind()).To(Equal(uint32(unix.S_IFIFO)))
		suite.Evidence("regular file fd %d: S_IFREG; pipe fd %d: S_IFIFO", f.Num, r.Num)
	})
})
