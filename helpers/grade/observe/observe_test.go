package observe

import (
	"net/netip"
	"strings"
	"testing"

	"sockspec/helpers/fdtable"
)

func TestRuns(t *testing.T) {
	for want, nums := range map[string][]int{"": nil, "3": {3}, "3, 4": {3, 4}, "4–23": {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, "3, 5–7, 9": {3, 5, 6, 7, 9}} {
		if got := Runs(nums); got != want {
			t.Errorf("Runs(%v) = %q, want %q", nums, got, want)
		}
	}
}

// One socket held by a forking server's parent and child is one socket, shown with both
// holders; the counts and the view come from the same snapshot.
func TestSnapshotQueries(t *testing.T) {
	parent := &Proc{PID: 100, NSPID: 2, Comm: "server", State: "S"}
	child := &Proc{PID: 101, NSPID: 3, Comm: "server", State: "S"}
	zombie := &Proc{PID: 102, NSPID: 4, Comm: "server", State: "Z"}
	ap := netip.MustParseAddrPort
	listen := fdtable.TCPSocket{Local: ap("0.0.0.0:5000"), Peer: ap("0.0.0.0:0"), State: fdtable.Listen, Inode: 1}
	conn := fdtable.TCPSocket{Local: ap("127.0.0.1:5000"), Peer: ap("127.0.0.1:40000"), State: fdtable.CloseWait, Inode: 2}
	parent.FDs = []fdtable.Entry{{FD: 3, Kind: fdtable.Socket, Ino: 1}, {FD: 4, Kind: fdtable.Socket, Ino: 2}}
	child.FDs = []fdtable.Entry{{FD: 4, Kind: fdtable.Socket, Ino: 2}}
	s := Snapshot{Procs: []*Proc{parent, child, zombie},
		Sockets: []Socket{{Inode: 1, TCP: listen, IsTCP: true, Holders: []Holder{{parent, 3}}},
			{Inode: 2, TCP: conn, IsTCP: true, Holders: []Holder{{parent, 4}, {child, 4}}}},
		Table: []fdtable.TCPSocket{listen, conn, {Local: ap("127.0.0.1:5000"), Peer: ap("127.0.0.1:40002"), State: fdtable.Established}}}
	if len(s.Listening(5000)) != 1 || len(s.Connected(5000)) != 1 || len(s.Listening(5001)) != 0 {
		t.Errorf("listening %v, connected %v", s.Listening(5000), s.Connected(5000))
	}
	if s.FDCount() != 3 || len(s.Zombies()) != 1 || len(s.Live()) != 2 || len(s.Queued(5000)) != 1 {
		t.Errorf("fds %d, zombies %d, live %d, queued %d", s.FDCount(), len(s.Zombies()), len(s.Live()), len(s.Queued(5000)))
	}
	if got := Where(s.Connected(5000)); got != "fd 4 of pid 2 (server); fd 4 of pid 3 (server)" {
		t.Errorf("Where = %q", got)
	}
	if v := s.View(0); v == "" || !strings.Contains(v, "fd 4: TCP 127.0.0.1:5000 ↔ 127.0.0.1:40000 CLOSE_WAIT") {
		t.Errorf("View:\n%s", v)
	}
}
