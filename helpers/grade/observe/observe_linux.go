package observe

import (
	"os"
	"strconv"
	"strings"

	"sockspec/helpers/fdtable"
)

// Take looks at the processes pids (host PIDs; one that ended meanwhile is left out) and
// the TCP table of the network namespace process netPID is in.
func Take(pids []int, netPID int) (Snapshot, error) {
	table, err := fdtable.TCPTable(netPID)
	if err != nil {
		return Snapshot{}, err
	}
	s := Snapshot{Table: table}
	rows := map[uint64]fdtable.TCPSocket{}
	for _, t := range table {
		if t.Inode != 0 {
			rows[t.Inode] = t
		}
	}
	index := map[uint64]int{}
	for _, pid := range pids {
		p, ok := readProc(pid)
		if !ok {
			continue
		}
		s.Procs = append(s.Procs, p)
		for _, e := range p.FDs {
			if e.Kind != fdtable.Socket {
				continue
			}
			i, seen := index[e.Ino]
			if !seen {
				row, isTCP := rows[e.Ino]
				i = len(s.Sockets)
				index[e.Ino] = i
				s.Sockets = append(s.Sockets, Socket{Inode: e.Ino, TCP: row, IsTCP: isTCP})
			}
			s.Sockets[i].Holders = append(s.Sockets[i].Holders, Holder{Proc: p, FD: e.FD})
		}
	}
	return s, nil
}

func readProc(pid int) (*Proc, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return nil, false
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	s := string(stat)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return nil, false
	}
	f := strings.Fields(s[close+1:])
	if len(f) < 2 {
		return nil, false
	}
	p := &Proc{PID: pid, NSPID: pid, Comm: s[open+1 : close], State: f[0]}
	p.PPID, _ = strconv.Atoi(f[1])
	if status, err := os.ReadFile(dir + "/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "NSpid:"); ok {
				if ns := strings.Fields(v); len(ns) > 0 {
					p.NSPID, _ = strconv.Atoi(ns[len(ns)-1])
				}
			}
		}
	}
	if !p.Zombie() {
		p.FDs, _ = fdtable.Of(pid) // empty if it ended meanwhile
	}
	return p, true
}
