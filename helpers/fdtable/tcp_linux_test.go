package fdtable

import (
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseTCPRow(t *testing.T) {
	v4 := "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0"
	r, err := parseTCPRow(v4, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Local != netip.MustParseAddrPort("127.0.0.1:8080") || r.State != Listen || r.Inode != 4242 || r.RxQueue != 2 {
		t.Errorf("IPv4 row: %+v", r)
	}
	// A dual-stack listener's child: the peer shows as ::ffff:127.0.0.1, read as 127.0.0.1.
	v6 := "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:9C40 08 00000000:00000000 00:00000000 00000000 65534        0 77 1 0000000000000000 20 4 0 10 -1"
	if r, err = parseTCPRow(v6, true); err != nil {
		t.Fatal(err)
	}
	if r.Peer != netip.MustParseAddrPort("127.0.0.1:40000") || r.State != CloseWait || !r.V6 {
		t.Errorf("IPv6 row: %+v (%s)", r, r)
	}
	if _, err := parseTCPRow("   2: zz", false); err == nil {
		t.Error("a short row parsed")
	}
}

// The table lists a listener and both ends of a connection with the inodes fstat gives.
func TestTCPTableFindsSockets(t *testing.T) {
	l, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	defer unix.Close(l)
	if err := unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	unix.Listen(l, 4)
	sa, _ := unix.Getsockname(l)
	c, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	defer unix.Close(c)
	if err := unix.Connect(c, sa); err != nil {
		t.Fatal(err)
	}
	rows, err := TCPTable(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	port := uint16(sa.(*unix.SockaddrInet4).Port)
	inode := func(fd int) uint64 { var st unix.Stat_t; unix.Fstat(fd, &st); return st.Ino }
	var listener, client, queued bool
	for _, r := range rows {
		switch {
		case r.Inode == inode(l) && r.State == Listen && r.Local.Port() == port && r.RxQueue == 1:
			listener = true
		case r.Inode == inode(c) && r.State == Established && r.Peer.Port() == port:
			client = true
		case r.Inode == 0 && r.State == Established && r.Local.Port() == port:
			queued = true // completed by the kernel, waiting for accept(): no descriptor yet
		}
	}
	if !listener || !client || !queued {
		t.Errorf("listener %v, client %v, queued child %v in:\n%v", listener, client, queued, rows)
	}
}
