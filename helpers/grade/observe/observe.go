// Package observe is the grader's view of a target through the kernel: its processes, each
// one's descriptor table (helpers/fdtable), and the TCP state and addresses of every socket
// they hold, joined by inode with the TCP table of the target's network namespace. Sockets
// are counted by inode, so one socket shared by a forking server's parent and child counts
// once, as the kernel counts it.
package observe

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"sockspec/helpers/fdtable"
)

// Proc is one process of the target.
type Proc struct {
	PID   int // in the grader's namespace
	NSPID int // as the target sees itself (getpid() inside its PID namespace)
	PPID  int
	Comm  string
	State string // R, S, D, Z (zombie), T ...
	FDs   []fdtable.Entry
}

// Zombie says whether the process ended and its parent has not reaped it.
func (p Proc) Zombie() bool { return p.State == "Z" }

func (p Proc) String() string { return fmt.Sprintf("pid %d (%s)", p.NSPID, p.Comm) }

// Holder is one descriptor that refers to a socket.
type Holder struct {
	Proc *Proc
	FD   int
}

// Socket is one socket the target holds, however many descriptors refer to it.
type Socket struct {
	Inode   uint64
	TCP     fdtable.TCPSocket // the row of the TCP table, when IsTCP
	IsTCP   bool              // false for a Unix-domain or UDP socket
	Holders []Holder
}

func (s Socket) String() string {
	if s.IsTCP {
		return s.TCP.String()
	}
	return fmt.Sprintf("socket inode %d (not TCP)", s.Inode)
}

// Snapshot is the target as the kernel showed it at one moment.
type Snapshot struct {
	Procs   []*Proc
	Sockets []Socket            // every socket the processes hold, in order of first descriptor
	Table   []fdtable.TCPSocket // the whole TCP table of the target's network
}

// Live is the processes that have not ended.
func (s Snapshot) Live() []*Proc {
	var out []*Proc
	for _, p := range s.Procs {
		if !p.Zombie() {
			out = append(out, p)
		}
	}
	return out
}

// Zombies is the processes that ended and were not reaped.
func (s Snapshot) Zombies() []*Proc {
	var out []*Proc
	for _, p := range s.Procs {
		if p.Zombie() {
			out = append(out, p)
		}
	}
	return out
}

// FDCount is the number of descriptors the live processes hold in all.
func (s Snapshot) FDCount() int {
	n := 0
	for _, p := range s.Live() {
		n += len(p.FDs)
	}
	return n
}

// Listening is the sockets in LISTEN on port.
func (s Snapshot) Listening(port uint16) []Socket {
	return s.sockets(func(t fdtable.TCPSocket) bool { return t.State == fdtable.Listen && t.Local.Port() == port })
}

// Listeners is every socket in LISTEN, on any port.
func (s Snapshot) Listeners() []Socket {
	return s.sockets(func(t fdtable.TCPSocket) bool { return t.State == fdtable.Listen })
}

// Connected is the connection sockets (every state but LISTEN) whose local port is port.
func (s Snapshot) Connected(port uint16) []Socket {
	return s.sockets(func(t fdtable.TCPSocket) bool { return t.State != fdtable.Listen && t.Local.Port() == port })
}

// NotTCP is the held sockets missing from the TCP table: Unix-domain and UDP sockets, and
// TCP sockets neither listening nor connected (made, maybe bound, but never listen()ed).
func (s Snapshot) NotTCP() []Socket {
	var out []Socket
	for _, k := range s.Sockets {
		if !k.IsTCP {
			out = append(out, k)
		}
	}
	return out
}

func (s Snapshot) sockets(match func(fdtable.TCPSocket) bool) []Socket {
	var out []Socket
	for _, k := range s.Sockets {
		if k.IsTCP && match(k.TCP) {
			out = append(out, k)
		}
	}
	return out
}

// Rows is the rows of the TCP table on local port port in state st, held or not: TIME_WAIT
// rows and connections waiting in a listen queue have no descriptor.
func (s Snapshot) Rows(port uint16, st fdtable.TCPState) []fdtable.TCPSocket {
	var out []fdtable.TCPSocket
	for _, t := range s.Table {
		if t.Local.Port() == port && t.State == st {
			out = append(out, t)
		}
	}
	return out
}

// Queued is the connections to port the kernel completed that nobody accept()ed yet.
func (s Snapshot) Queued(port uint16) []fdtable.TCPSocket {
	var out []fdtable.TCPSocket
	for _, t := range s.Rows(port, fdtable.Established) {
		if t.Inode == 0 {
			out = append(out, t)
		}
	}
	return out
}

// Peers is the peer addresses of socks, IPv4-mapped addresses unmapped.
func Peers(socks []Socket) []netip.AddrPort {
	out := make([]netip.AddrPort, len(socks))
	for i, k := range socks {
		out[i] = k.TCP.Peer
	}
	return out
}

// Where says which descriptors hold socks, grouped by process with runs of numbers
// joined: "fds 4–23 of pid 1 (server)".
func Where(socks []Socket) string {
	fds := map[*Proc][]int{}
	var order []*Proc
	for _, k := range socks {
		for _, h := range k.Holders {
			if _, seen := fds[h.Proc]; !seen {
				order = append(order, h.Proc)
			}
			fds[h.Proc] = append(fds[h.Proc], h.FD)
		}
	}
	var parts []string
	for _, p := range order {
		nums := fds[p]
		slices.Sort(nums)
		word := "fd"
		if len(nums) > 1 {
			word = "fds"
		}
		parts = append(parts, fmt.Sprintf("%s %s of %s", word, Runs(nums), p))
	}
	if len(parts) == 0 {
		return "no descriptor"
	}
	return strings.Join(parts, "; ")
}

// Describe lists sockets with their TCP rows and where they are held: "127.0.0.1:5000 ↔
// 127.0.0.1:40000 ESTABLISHED, … (fds 4, 5 of pid 2 (server))", or "none".
func Describe(socks []Socket) string {
	if len(socks) == 0 {
		return "none"
	}
	parts := make([]string, len(socks))
	for i, k := range socks {
		parts[i] = k.TCP.String()
	}
	return strings.Join(parts, ", ") + " (" + Where(socks) + ")"
}

// Runs prints sorted numbers with consecutive runs joined: "3, 5–9, 12".
func Runs(nums []int) string {
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, fmt.Sprint(nums[i]))
		case j == i+1:
			parts = append(parts, fmt.Sprint(nums[i]), fmt.Sprint(nums[j]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", nums[i], nums[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// View prints the descriptor tables of the target's processes, each socket with its TCP
// state and addresses, at most maxLines lines: what a student would see with ls -l
// /proc/PID/fd and ss -tanp.
func (s Snapshot) View(maxLines int) string {
	byInode := map[uint64]Socket{}
	for _, k := range s.Sockets {
		byInode[k.Inode] = k
	}
	var lines []string
	nsPID := map[int]int{}
	for _, p := range s.Procs {
		nsPID[p.PID] = p.NSPID
	}
	for _, p := range s.Live() {
		lines = append(lines, fmt.Sprintf("%s, state %s, %d descriptors:", p, p.State, len(p.FDs)))
		for _, e := range p.FDs {
			what := e.Target
			if e.Kind == fdtable.Socket {
				if k := byInode[e.Ino]; k.IsTCP {
					what = "TCP " + k.TCP.String()
				} else {
					what = "socket (not a TCP socket in the table: Unix-domain, UDP, or never listening nor connected)"
				}
			}
			lines = append(lines, fmt.Sprintf("  fd %d: %s", e.FD, what))
		}
	}
	if z := s.Zombies(); len(z) > 0 {
		// Zombies hold no descriptors; one line says how many and whose.
		pids, parents := make([]int, len(z)), map[string]bool{}
		for i, p := range z {
			pids[i] = p.NSPID
			parents[fmt.Sprintf("pid %d", nsPID[p.PPID])] = true
		}
		slices.Sort(pids)
		var whose []string
		for k := range parents {
			whose = append(whose, k)
		}
		slices.Sort(whose)
		lines = append(lines, fmt.Sprintf("%d zombies (ended, never reaped by their parent %s): pids %s", len(z), strings.Join(whose, ", "), Runs(pids)))
	}
	if len(lines) == 0 {
		return "(no processes)"
	}
	if maxLines > 0 && len(lines) > maxLines {
		more := len(lines) - maxLines + 1
		lines = append(lines[:maxLines-1], fmt.Sprintf("  … %d more lines", more))
	}
	return strings.Join(lines, "\n")
}
