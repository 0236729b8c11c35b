//go:build linux || darwin

package fdtable

import (
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// list returns the descriptor numbers in dir (a /proc/<pid>/fd or /dev/fd directory), and
// the number of the descriptor that read it, which is already closed again.
func list(dir string) ([]int, int, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, -1, fmt.Errorf("open %s: %w", dir, err)
	}
	defer unix.Close(fd)
	var nums []int
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(fd, buf)
		if err != nil {
			return nil, fd, fmt.Errorf("read %s: %w", dir, err)
		}
		if n <= 0 {
			break
		}
		_, _, names := unix.ParseDirent(buf[:n], -1, nil)
		for _, name := range names {
			if v, err := strconv.Atoi(name); err == nil {
				nums = append(nums, v)
			}
		}
	}
	slices.Sort(nums)
	return nums, fd, nil
}

// selfFrom lists the calling process's descriptors from dir, fstat telling their kind; it
// fails on a view that does not show them all (complete).
func selfFrom(dir string, target func(string, int) string) ([]Entry, error) {
	names, dirfd, err := list(dir)
	if err != nil {
		return nil, err
	}
	if err := complete(dir, names, dirfd); err != nil {
		return nil, err
	}
	var out []Entry
	for _, n := range names {
		if n == dirfd {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstat(n, &st); err != nil {
			continue // closed meanwhile (on macOS, the copy ReadDirent opened to read the directory)
		}
		out = append(out, entry(n, &st, target(dir, n)))
	}
	return out, nil
}
