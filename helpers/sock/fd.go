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
	GinkgoHelper()
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

// Read is one read(2): the kernel's answer, its error naming the call.
func (f *FD) Read(p []byte) (int, error) {
	n, err := unix.Read(f.Num, p)
	return n, os.NewSyscallError("read", err)
}

// Write is one write(2): the kernel's answer, its error naming the call.
func (f *FD) Write(p []byte) (int, error) {
	n, err := unix.Write(f.Num, p)
	return n, os.NewSyscallError("write", err)
}

// WriteAll writes all of p in one write(2); the spec fails if the kernel refuses or takes less.
func (f *FD) WriteAll(p []byte) {
	GinkgoHelper()
	n, err := f.Write(p)
	Expect(err).NotTo(HaveOccurred(), "write on %s", f)
	Expect(n).To(Equal(len(p)), "write on %s was short", f)
}

// cloexec is the one way this package makes descriptors: call (socket, socketpair, accept,
// pipe, dup) runs under the lock Go's own os and net packages take around fork, and each
// descriptor it returns is close-on-exec before the lock is let go, so no child process
// started meanwhile inherits it. The error names the call.
func cloexec(name string, call func() ([]int, error)) ([]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := call()
	if err != nil {
		return nil, os.NewSyscallError(name, err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
	}
	return fds, nil
}

// one adapts a call returning one descriptor to cloexec.
func one(fd int, err error) ([]int, error) { return []int{fd}, err }

// Dup is dup(2) with close-on-exec; the caller owns the new descriptor.
func Dup(fd int) (int, error) {
	fds, err := cloexec("dup", func() ([]int, error) { return one(unix.Dup(fd)) })
	if err != nil {
		return -1, err
	}
	return fds[0], nil
}

// Dup is dup(2) on f: a second number for the same open file, closed by DeferCleanup.
func (f *FD) Dup() (*FD, error) {
	GinkgoHelper()
	n, err := Dup(f.Num)
	if err != nil {
		return nil, err
	}
	return Track(n, "dup of "+f.What), nil
}

// Dup2 is dup2(2) from f onto to: to's number now names f's open file as well (what it
// named before is closed); it stays close-on-exec.
func (f *FD) Dup2(to *FD) error {
	_, err := cloexec("dup2", func() ([]int, error) { return []int{to.Num}, unix.Dup2(f.Num, to.Num) })
	return err
}

// Pipe makes a pipe, the control case for many socket claims.
func Pipe() (r, w *FD) {
	GinkgoHelper()
	p, err := cloexec("pipe", func() ([]int, error) { p := make([]int, 2); return p, unix.Pipe(p) })
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
	f.WriteAll([]byte(content))
	return f, path
}

// Kind returns fstat's file type bits: unix.S_IFSOCK, S_IFIFO, S_IFREG...
func (f *FD) Kind() uint32 {
	GinkgoHelper()
	var st unix.Stat_t
	Expect(unix.Fstat(f.Num, &st)).To(Succeed(), "fstat on %s", f)
	return uint32(st.Mode) & unix.S_IFMT
}
