// Package sock wraps the raw x/sys socket calls the specs make. Every descriptor it opens
// is closed by DeferCleanup, also when the spec fails, unless the spec closed it first.
// Calls whose outcome a spec asserts return the kernel's error (with the call's name);
// set-up calls that must work fail the spec on the spot.
package sock

import (
	"fmt"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
)

// FD is a descriptor a spec opened.
type FD struct {
	Num    int
	What   string // "TCP/IPv4 socket", "pipe read end": for messages
	closed bool
}

// Track takes over a descriptor opened elsewhere: DeferCleanup closes it.
func Track(num int, what string) *FD {
	f := &FD{Num: num, What: what}
	DeferCleanup(func() {
		if f.closed {
			return
		}
		if err := f.Close(); err != nil {
			Fail(fmt.Sprintf("cleanup: closing %s failed with %s: something closed it behind the helper's back", f, errno.Describe(err)))
		}
	})
	return f
}

// Fd returns the descriptor number.
func (f *FD) Fd() int { return f.Num }

func (f *FD) String() string { return fmt.Sprintf("fd %d (%s)", f.Num, f.What) }

// Close closes the descriptor once; the number may then be reused by the kernel.
func (f *FD) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return os.NewSyscallError("close", unix.Close(f.Num))
}

// Write writes all of p.
func (f *FD) Write(p []byte) {
	GinkgoHelper()
	n, err := unix.Write(f.Num, p)
	Expect(err).NotTo(HaveOccurred(), "write on %s", f)
	Expect(n).To(Equal(len(p)), "write on %s was short", f)
}

// cloexec runs open (socket, accept, pipe) so that no child process started meanwhile
// inherits the new descriptors: the same lock Go's own os and net packages take.
func cloexec(open func() ([]int, error)) ([]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := open()
	for _, fd := range fds {
		unix.CloseOnExec(fd)
	}
	return fds, err
}

// Pipe makes a pipe, the control case for many socket claims.
func Pipe() (r, w *FD) {
	GinkgoHelper()
	p := make([]int, 2)
	_, err := cloexec(func() ([]int, error) { err := unix.Pipe(p); return p, err })
	Expect(err).NotTo(HaveOccurred(), "pipe")
	return Track(p[0], "pipe read end"), Track(p[1], "pipe write end")
}

// TempFile creates a regular file holding content in the spec's temporary directory.
func TempFile(content string) (*FD, string) {
	GinkgoHelper()
	path := GinkgoT().TempDir() + "/file"
	n, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o600)
	Expect(err).NotTo(HaveOccurred(), "open %s", path)
	f := Track(n, "regular file")
	f.Write([]byte(content))
	return f, path
}

// Kind returns fstat's file type bits: unix.S_IFSOCK, S_IFIFO, S_IFREG...
func (f *FD) Kind() uint32 {
	GinkgoHelper()
	var st unix.Stat_t
	Expect(unix.Fstat(f.Num, &st)).To(Succeed(), "fstat on %s", f)
	return uint32(st.Mode) & unix.S_IFMT
}
