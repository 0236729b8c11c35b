package fdtable

import (
	"errors"
	"os"
)

// /dev/fd lists every descriptor of the calling process on macOS (XNU devfs_devfd_readdir
// walks the whole table: ../shared/research/platforms.md, source audit); fstat tells their
// kind, and selfFrom fails if the listing misses the descriptor reading it.
func selfEntries() ([]Entry, error) { return selfFrom("/dev/fd", target) }

// target: /dev/fd entries are device nodes, not links, so the OS names nothing.
func target(string, int) string { return "" }

// Of lists another process's descriptors; macOS offers no /proc for that.
func Of(pid int) ([]Entry, error) {
	if pid == os.Getpid() {
		return Self()
	}
	return nil, errors.New("fdtable: listing another process's descriptors is not supported on macOS")
}
