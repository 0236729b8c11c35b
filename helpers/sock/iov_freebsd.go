package sock

import (
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// golang.org/x/sys/unix has no Readv and Writev for FreeBSD, so these make the system
// calls themselves: the same readv(2) and writev(2), with the iovec array built here.

// Readv is readv(2): one call filling several buffers.
func (f *FD) Readv(bufs [][]byte) (int, error) { return iov(unix.SYS_READV, "readv", f.Num, bufs) }

// Writev is writev(2): one call writing several buffers.
func (f *FD) Writev(bufs [][]byte) (int, error) { return iov(unix.SYS_WRITEV, "writev", f.Num, bufs) }

func iov(trap uintptr, name string, fd int, bufs [][]byte) (int, error) {
	vecs := make([]unix.Iovec, 0, len(bufs))
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: &b[0]}
		v.SetLen(len(b))
		vecs = append(vecs, v)
	}
	var p unsafe.Pointer
	if len(vecs) > 0 {
		p = unsafe.Pointer(&vecs[0])
	}
	n, _, e := unix.Syscall(trap, uintptr(fd), uintptr(p), uintptr(len(vecs)))
	runtime.KeepAlive(vecs)
	runtime.KeepAlive(bufs)
	if e != 0 {
		return 0, os.NewSyscallError(name, e)
	}
	return int(n), nil
}
