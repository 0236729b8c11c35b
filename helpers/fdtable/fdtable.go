// Package fdtable lists a process's open descriptors with their kind, as the OS shows its
// descriptor table: /proc/<pid>/fd on Linux, /dev/fd with fstat on macOS and FreeBSD.
// It uses raw system calls only, so a fresh child process can list its own table without
// the Go runtime opening descriptors of its own on the way.
package fdtable

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"sockspec/helpers/sockaddr"
)

// Kind is what a descriptor refers to.
type Kind string

const (
	File   Kind = "file"
	Socket Kind = "socket"
	Pipe   Kind = "pipe" // a pipe or a FIFO: fstat says S_IFIFO for both
	Dir    Kind = "dir"
	Device Kind = "device"
	Other  Kind = "other" // e.g. Linux epoll and eventfd descriptors of the Go runtime
)

// Entry is one open descriptor.
type Entry struct {
	FD     int    `json:"fd"`
	Kind   Kind   `json:"kind"`
	Target string `json:"target,omitempty"` // what the OS names it: "/tmp/a", "socket:[1234]"
	Dev    uint64 `json:"-"`
	Ino    uint64 `json:"-"`
	// For sockets of the calling process:
	Type      int    `json:"-"` // SOCK_STREAM, SOCK_DGRAM
	Local     string `json:"local,omitempty"`
	Peer      string `json:"peer,omitempty"`
	Listening bool   `json:"listening,omitempty"`
}

func (e Entry) String() string {
	s := fmt.Sprintf("fd %d: %s", e.FD, e.Kind)
	if e.Kind == Socket && e.Local != "" {
		s += " " + e.Local
		if e.Listening {
			s += " (listening)"
		}
		if e.Peer != "" {
			s += " ↔ " + e.Peer
		}
	} else if e.Target != "" {
		s += " " + e.Target
	}
	return s
}

// Self lists the calling process's descriptors.
func Self() ([]Entry, error) {
	names, dirfd, err := list(selfDir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, n := range names {
		if n == dirfd {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstat(n, &st); err != nil {
			continue // closed meanwhile
		}
		e := entry(n, &st, target(selfDir, n))
		if e.Kind == Socket {
			describeSocket(&e)
		}
		out = append(out, e)
	}
	return out, nil
}

// list returns the descriptor numbers in dir (a /proc/<pid>/fd or /dev/fd directory),
// and the number of the descriptor that read it, which is already closed again.
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

func entry(n int, st *unix.Stat_t, tgt string) Entry {
	e := Entry{FD: n, Target: tgt, Dev: uint64(st.Dev), Ino: uint64(st.Ino)}
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFSOCK:
		e.Kind = Socket
	case unix.S_IFIFO:
		e.Kind = Pipe
	case unix.S_IFREG:
		e.Kind = File
	case unix.S_IFDIR:
		e.Kind = Dir
	case unix.S_IFCHR, unix.S_IFBLK:
		e.Kind = Device
	default:
		e.Kind = Other
	}
	return e
}

func describeSocket(e *Entry) {
	if sa, err := unix.Getsockname(e.FD); err == nil {
		e.Local = sockaddr.String(sa)
	}
	if sa, err := unix.Getpeername(e.FD); err == nil {
		e.Peer = sockaddr.String(sa)
	}
	e.Type, _ = unix.GetsockoptInt(e.FD, unix.SOL_SOCKET, unix.SO_TYPE)
	acc, err := unix.GetsockoptInt(e.FD, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	e.Listening = err == nil && acc == 1
}

// Diff returns the descriptors open in after but not in before. A number reused for a new
// file counts as new, since the entry's device and inode differ.
func Diff(before, after []Entry) []Entry {
	type key struct {
		fd       int
		dev, ino uint64
	}
	seen := map[key]bool{}
	for _, e := range before {
		seen[key{e.FD, e.Dev, e.Ino}] = true
	}
	var opened []Entry
	for _, e := range after {
		if !seen[key{e.FD, e.Dev, e.Ino}] {
			opened = append(opened, e)
		}
	}
	return opened
}

// Numbers returns the descriptor numbers of entries.
func Numbers(entries []Entry) []int {
	out := make([]int, len(entries))
	for i, e := range entries {
		out[i] = e.FD
	}
	return out
}

// Find returns the entry for descriptor fd.
func Find(entries []Entry, fd int) (Entry, bool) {
	i := slices.IndexFunc(entries, func(e Entry) bool { return e.FD == fd })
	if i < 0 {
		return Entry{}, false
	}
	return entries[i], true
}

// Format lists entries one per line, for failure messages.
func Format(entries []Entry) string {
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = "  " + e.String()
	}
	return strings.Join(lines, "\n")
}
