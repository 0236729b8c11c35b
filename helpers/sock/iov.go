//go:build linux || darwin

package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Readv is readv(2): one call filling several buffers.
func (f *FD) Readv(bufs [][]byte) (int, error) {
	n, err := unix.Readv(f.Num, bufs)
	return n, os.NewSyscallError("readv", err)
}

// Writev is writev(2): one call writing several buffers.
func (f *FD) Writev(bufs [][]byte) (int, error) {
	n, err := unix.Writev(f.Num, bufs)
	return n, os.NewSyscallError("writev", err)
}
