// Package fdtable lists a process's open descriptors with their kind, as the OS shows its
// descriptor table: /proc/<pid>/fd on Linux, /dev/fd with fstat on macOS, the
// kern.proc.filedesc sysctl on FreeBSD (what procstat reads; /dev/fd there shows only 0, 1
// and 2 unless fdescfs is mounted). It uses raw system calls only, so a fresh child process
// can list its own table without the Go runtime opening descriptors of its own on the way.
package fdtable

import (
	"fmt"
	"slices"
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
	Ino    uint64 `json:"-"` // 0 for TCP and UDP sockets on macOS and FreeBSD: their fstat sets no inode
	// For sockets of the calling process:
	Type      int    `json:"-"` // SOCK_STREAM, SOCK_DGRAM
	Local     string `json:"local,omitempty"`
	Peer      string `json:"peer,omitempty"`
	Listening bool   `json:"listening,omitempty"`
	// Why Listening could not be decided (Listening is then false): on macOS, a socket
	// that is not TCP (DecideListening).
	ListeningUnknown string `json:"listening_unknown,omitempty"`
}

func (e Entry) String() string {
	s := fmt.Sprintf("fd %d: %s", e.FD, e.Kind)
	if e.Kind == Socket && e.Local != "" {
		s += " " + e.Local
		if e.Listening {
			s += " (listening)"
		}
		if e.ListeningUnknown != "" {
			s += " (listening or not: unknown, " + e.ListeningUnknown + ")"
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
	out, err := selfEntries()
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Kind == Socket {
			describeSocket(&out[i])
		}
	}
	return out, nil
}

// complete checks a directory view of the table (/proc/self/fd, /dev/fd): the descriptor
// that read it was open all along, so a view that does not list it cannot show this
// process's descriptors, and nothing may be concluded from it. FreeBSD's /dev/fd without
// fdescfs is such a view: it holds 0, 1 and 2 only (fd(4)).
func complete(dir string, listed []int, reader int) error {
	if slices.Contains(listed, reader) {
		return nil
	}
	return fmt.Errorf("%s lists only %v, not %d, which was open while it was read: this view cannot show the process's descriptors"+
		" (FreeBSD's /dev/fd shows only 0-2 unless fdescfs is mounted, fd(4))", dir, listed, reader)
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
	listening, err := Listening(e.FD)
	e.Listening = listening
	if err != nil {
		e.ListeningUnknown = err.Error()
	}
}

// Diff returns the descriptors open in after but not in before. A number reused for a new
// file counts as new, since the entry's device and inode differ (for TCP and UDP sockets on
// macOS and FreeBSD, whose inode is 0, a number reused by another such socket does not).
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
