package fdtable

import (
	"errors"
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
//
// Root reads another user's descriptors as that user when it must (asOwner): inside a
// container root usually lacks CAP_SYS_PTRACE, which the kernel otherwise asks for. A
// descriptor the caller may not look at is an error, never left out: an empty table would
// say the process holds nothing.
func Of(pid int) ([]Entry, error) {
	out, err := of(pid)
	if errors.Is(err, unix.EACCES) && unix.Geteuid() == 0 {
		err = asOwner(pid, func() error {
			out, err = of(pid)
			return err
		})
	}
	return out, err
}

func of(pid int) ([]Entry, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	names, _, err := list(dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, n := range names {
		var st unix.Stat_t
		path := fmt.Sprintf("%s/%d", dir, n)
		if err := unix.Stat(path, &st); err != nil {
			if err == unix.EACCES || err == unix.EPERM {
				return nil, fmt.Errorf("stat %s: %w", path, unix.EACCES)
			}
			continue // closed meanwhile
		}
		out = append(out, entry(n, &st, target(dir, n)))
	}
	return out, nil
}
