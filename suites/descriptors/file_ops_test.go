package descriptors

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// A pair of descriptors where bytes written on w are read on r.
type pair struct {
	w, r *sock.FD
	kind uint32 // what fstat must report for both
}

var _ = Describe("the file descriptor functions work on a socket as on a file", suite.Checks("fd.file-ops"), func() {
	DescribeTable("read, write, readv, writev, dup, dup2, fcntl, fstat, poll and close behave as on a pipe",
		func(open func() pair) {
			p := open()
			within := suite.MustHappenWithin()

			By("fstat")
			Expect(p.w.Kind()).To(Equal(p.kind), "fstat on %v", p.w)
			Expect(p.r.Kind()).To(Equal(p.kind), "fstat on %v", p.r)

			By("poll: nothing to read, then POLLIN once bytes are written")
			Expect(p.r.Readable(0)).To(BeFalse(), "poll on %v before any write", p.r)
			p.w.WriteAll([]byte("hello"))
			Expect(p.r.Readable(within)).To(BeTrue(), "poll on %v after a write", p.r)

			By("read")
			Expect(string(p.r.ReadWithin(5, within))).To(Equal("hello"))

			By("writev and readv")
			n, err := p.w.Writev([][]byte{[]byte("ab"), []byte("cde")})
			Expect(err).To(SucceedSyscall())
			Expect(n).To(Equal(5))
			Expect(p.r.Readable(within)).To(BeTrue())
			two, three := make([]byte, 2), make([]byte, 3)
			n, err = p.r.Readv([][]byte{two, three})
			Expect(err).To(SucceedSyscall())
			Expect(n).To(Equal(5), "readv returned %d bytes", n)
			Expect([]string{string(two), string(three)}).To(Equal([]string{"ab", "cde"}))

			By("dup: a second number for the same open socket")
			dup, err := p.w.Dup()
			Expect(err).To(SucceedSyscall())
			Expect(dup.Num).NotTo(Equal(p.w.Num))
			dup.WriteAll([]byte("via dup"))
			Expect(string(p.r.ReadWithin(7, within))).To(Equal("via dup"))
			Expect(dup.Close()).To(Succeed())

			By("dup2: a chosen number now names the socket")
			target, _ := sock.TempFile("")
			Expect(p.w.Dup2(target)).To(SucceedSyscall())
			Expect(target.Kind()).To(Equal(p.kind), "after dup2, fd %d is no longer the file", target.Num)
			target.WriteAll([]byte("via dup2"))
			Expect(string(p.r.ReadWithin(8, within))).To(Equal("via dup2"))

			By("fcntl: O_NONBLOCK makes an empty read fail with EAGAIN")
			Expect(unix.SetNonblock(p.r.Num, true)).To(Succeed())
			_, err = p.r.Read(make([]byte, 1))
			Expect(err).To(FailWithErrno(unix.EAGAIN), "read on an empty non-blocking %v", p.r)

			By("fcntl: FD_CLOEXEC can be set and cleared")
			for _, flag := range []int{unix.FD_CLOEXEC, 0} {
				_, err := unix.FcntlInt(uintptr(p.w.Num), unix.F_SETFD, flag)
				Expect(err).To(SucceedSyscall())
				Expect(unix.FcntlInt(uintptr(p.w.Num), unix.F_GETFD, 0)).To(Equal(flag))
			}

			By("close: the reader sees end of file once every writer's number is closed")
			Expect(target.Close()).To(Succeed())
			Expect(p.w.Close()).To(Succeed())
			Expect(p.r.Readable(within)).To(BeTrue(), "poll on %v after the writer closed", p.r)
			n, err = p.r.Read(make([]byte, 1))
			Expect(err).To(SucceedSyscall())
			Expect(n).To(Equal(0), "read after close: 0 bytes is end of file")

			suite.Evidence("%s: read/write, readv/writev, dup, dup2, O_NONBLOCK → EAGAIN, FD_CLOEXEC, fstat, poll, close → EOF", CurrentSpecReport().LeafNodeText)
		},
		Entry("TCP/IPv4, connected", func() pair {
			c := sock.Connected(sock.IPv4, suite.MustHappenWithin())
			return pair{c.Client.FD, c.Server.FD, unix.S_IFSOCK}
		}),
		Entry("TCP/IPv6, connected", func() pair {
			c := sock.Connected(sock.IPv6, suite.MustHappenWithin())
			return pair{c.Client.FD, c.Server.FD, unix.S_IFSOCK}
		}),
		Entry("Unix stream socket pair", func() pair {
			a, b := sock.UnixPair(unix.SOCK_STREAM)
			return pair{a.FD, b.FD, unix.S_IFSOCK}
		}),
		Entry("a pipe (control: the behaviour the sockets must match)", func() pair {
			r, w := sock.Pipe()
			return pair{w, r, unix.S_IFIFO}
		}),
	)
})
