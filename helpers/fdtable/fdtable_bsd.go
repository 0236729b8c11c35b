//go:build darwin || freebsd

package fdtable

import (
	"errors"
	"os"
)

// /dev/fd lists the calling process's descriptors; fstat tells their kind.
const selfDir = "/dev/fd"

// target: /dev/fd entries are device nodes, not links, so the OS names nothing.
func target(string, int) string { return "" }

// Of lists another process's descriptors; macOS and FreeBSD offer no /proc for that here.
func Of(pid int) ([]Entry, error) {
	if pid == os.Getpid() {
		return Self()
	}
	return nil, errors.New("fdtable: listing another process's descriptors needs /proc (Linux only)")
}
