package fdtable

import (
	"fmt"

	"golang.org/x/sys/unix"
)

func selfEntries() ([]Entry, error) { return selfFrom("/proc/self/fd", target) }

func target(dir string, fd int) string {
	buf := make([]byte, 4096)
	n, err := unix.Readlink(fmt.Sprintf("%s/%d", dir, fd), buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

// Of lists the descriptors of another process, from /proc/<pid>/fd. Socket details
// (addresses, listening) are only known for the calling process's own descriptors.
func Of(pid int) ([]Entry, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	names, _, err := list(dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, n := range names {
		var st unix.Stat_t
		if err := unix.Stat(fmt.Sprintf("%s/%d", dir, n), &st); err != nil {
			continue
		}
		out = append(out, entry(n, &st, target(dir, n)))
	}
	return out, nil
}
