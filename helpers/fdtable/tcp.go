package fdtable

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// TCPState is a TCP socket's state as the kernel's tables show it.
type TCPState int

// The states, numbered as in include/net/tcp_states.h.
const (
	Established TCPState = 1 + iota
	SynSent
	SynRecv
	FinWait1
	FinWait2
	TimeWait
	Close
	CloseWait
	LastAck
	Listen
	Closing
	NewSynRecv
)

var stateNames = []string{"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"}

func (s TCPState) String() string {
	if s > 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state %d", int(s))
}

// TCPSocket is one row of a network namespace's TCP table (/proc/<pid>/net/tcp and tcp6).
// A row no descriptor refers to any more (TIME_WAIT, or a connection still in the listen
// queue, not yet accepted) has Inode 0.
type TCPSocket struct {
	Local, Peer netip.AddrPort // IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are unmapped
	State       TCPState
	Inode       uint64
	TxQueue     int // bytes not yet acknowledged by the peer
	RxQueue     int // bytes not yet read; for a listener, connections waiting for accept()
	V6          bool
}

func (t TCPSocket) String() string {
	s := t.Local.String()
	if t.State != Listen {
		s += " ↔ " + t.Peer.String()
	}
	return s + " " + t.State.String()
}

// TCPTable reads the TCP table of the network namespace process pid is in, IPv4 and IPv6
// rows, from Linux's /proc (elsewhere it fails). A namespace without IPv6 has no tcp6
// file; that is not an error.
func TCPTable(pid int) ([]TCPSocket, error) {
	var all []TCPSocket
	for _, name := range []string{"tcp", "tcp6"} {
		path := fmt.Sprintf("/proc/%d/net/%s", pid, name)
		rows, err := readTCP(path, name == "tcp6")
		if err != nil {
			if name == "tcp6" && os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		all = append(all, rows...)
	}
	return all, nil
}

func readTCP(path string, v6 bool) ([]TCPSocket, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []TCPSocket
	s := bufio.NewScanner(f)
	s.Scan() // the header line
	for s.Scan() {
		row, err := parseTCPRow(s.Text(), v6)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, row)
	}
	return rows, s.Err()
}

// parseTCPRow reads "sl local rem st tx:rx tr:when retr uid timeout inode ...".
func parseTCPRow(line string, v6 bool) (TCPSocket, error) {
	f := strings.Fields(line)
	if len(f) < 10 {
		return TCPSocket{}, fmt.Errorf("short row %q", line)
	}
	var t TCPSocket
	var err error
	t.V6 = v6
	if t.Local, err = parseHexAddr(f[1]); err != nil {
		return t, err
	}
	if t.Peer, err = parseHexAddr(f[2]); err != nil {
		return t, err
	}
	st, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return t, fmt.Errorf("state %q: %w", f[3], err)
	}
	t.State = TCPState(st)
	if tx, rx, ok := strings.Cut(f[4], ":"); ok {
		a, _ := strconv.ParseUint(tx, 16, 32)
		b, _ := strconv.ParseUint(rx, 16, 32)
		t.TxQueue, t.RxQueue = int(a), int(b)
	}
	if t.Inode, err = strconv.ParseUint(f[9], 10, 64); err != nil {
		return t, fmt.Errorf("inode %q: %w", f[9], err)
	}
	return t, nil
}

// parseHexAddr reads "0100007F:1F90": the address as the kernel's 32-bit words in host
// byte order, then the port.
func parseHexAddr(s string) (netip.AddrPort, error) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("address %q", s)
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("port in %q: %w", s, err)
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("address %q", s)
	}
	b := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(b[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}
