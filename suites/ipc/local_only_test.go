package ipc

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/fixtures/programs/child"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("pipes and FIFOs connect processes inside one computer", suite.Checks("ipc.local-only"), func() {
	It("a pipe carries bytes from a child process to its parent", func() {
		r, w := sock.Pipe()
		child.Run([]int{w.Num}, "write-fd", "3", "hello through a pipe")
		Expect(w.Close()).To(Succeed()) // so the read below ends at end of file
		Expect(string(r.ReadWithin(64, suite.MustHappenWithin()))).To(Equal("hello through a pipe"))
		suite.Evidence("pipe: a child process wrote %q, the parent read it", "hello through a pipe")
	})

	It("a FIFO carries bytes between two processes that share only its path", func() {
		path := filepath.Join(sock.ShortTempDir(), "fifo")
		Expect(unix.Mkfifo(path, 0o600)).To(SucceedSyscall())
		// Open the reading end first (non-blocking, so it needs no writer yet): then the
		// child's open for writing finds a reader and does not block.
		n, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		Expect(err).To(SucceedSyscall())
		r := sock.Track(n, "FIFO read end")
		child.Run(nil, "write-fifo", path, "hello through a FIFO")
		Expect(string(r.ReadWithin(64, suite.MustHappenWithin()))).To(Equal("hello through a FIFO"))
		suite.Evidence("FIFO %s: a child process wrote %q, this process read it", path, "hello through a FIFO")
	})

	DescribeTable("a pipe or FIFO has no network address: socket calls fail with ENOTSOCK and fstat says S_IFIFO",
		func(open func() *sock.FD) {
			fd := open()
			Expect(fd.Kind()).To(Equal(uint32(unix.S_IFIFO)), "fstat on %v", fd)
			_, err := unix.Getsockname(fd.Num)
			Expect(err).To(FailWithErrno(unix.ENOTSOCK), "getsockname on %v", fd)
			_, err = unix.Getpeername(fd.Num)
			Expect(err).To(FailWithErrno(unix.ENOTSOCK), "getpeername on %v", fd)
			Expect(unix.Bind(fd.Num, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})).To(FailWithErrno(unix.ENOTSOCK), "bind on %v", fd)
			Expect(unix.Connect(fd.Num, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}})).To(FailWithErrno(unix.ENOTSOCK), "connect on %v", fd)
			suite.Evidence("%s: fstat S_IFIFO; getsockname, getpeername, bind, connect → ENOTSOCK", CurrentSpecReport().LeafNodeText)
		},
		Entry("pipe", func() *sock.FD { r, _ := sock.Pipe(); return r }),
		Entry("FIFO", func() *sock.FD {
			path := filepath.Join(sock.ShortTempDir(), "fifo")
			Expect(unix.Mkfifo(path, 0o600)).To(SucceedSyscall())
			n, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
			Expect(err).To(SucceedSyscall())
			return sock.Track(n, "FIFO read end")
		}),
	)

	// Control: the same calls on a socket succeed, so ENOTSOCK above is about the pipe.
	It("a socket has an address that getsockname reports (control)", func() {
		s := sock.TCP(sock.IPv4)
		addr := s.BindLoopback()
		Expect(s.Kind()).To(Equal(uint32(unix.S_IFSOCK)))
		suite.Evidence("TCP socket: getsockname → %s", addr)
	})
})
