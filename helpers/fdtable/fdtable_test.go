package fdtable

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSelfListsKinds(t *testing.T) {
	before, err := Self()
	if err != nil {
		t.Fatal(err)
	}
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := unix.Open(t.TempDir()+"/f", unix.O_CREAT|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	after, err := Self()
	if err != nil {
		t.Fatal(err)
	}
	opened := Diff(before, after)
	want := map[int]Kind{p[0]: Pipe, p[1]: Pipe, s: Socket, f: File}
	if len(opened) != len(want) {
		t.Fatalf("Diff found %d new descriptors, want %d:\n%s", len(opened), len(want), Format(opened))
	}
	for _, e := range opened {
		if want[e.FD] != e.Kind {
			t.Errorf("%v: want kind %s", e, want[e.FD])
		}
	}
	if e, _ := Find(after, s); e.Local != "0.0.0.0:0" || e.Listening {
		t.Errorf("socket entry %v: want local 0.0.0.0:0, not listening", e)
	}
	for _, fd := range []int{p[0], p[1], s, f} {
		unix.Close(fd)
	}
	if again, _ := Self(); len(Diff(before, again)) != 0 {
		t.Errorf("descriptors still listed after close:\n%s", Format(Diff(before, again)))
	}
}

// A number reused for a different file is a new descriptor, not the old one.
func TestDiffSeesReusedNumber(t *testing.T) {
	a := []Entry{{FD: 5, Kind: File, Dev: 1, Ino: 10}}
	b := []Entry{{FD: 5, Kind: Socket, Dev: 2, Ino: 99}}
	if got := Diff(a, b); len(got) != 1 || got[0].Kind != Socket {
		t.Errorf("Diff = %v", got)
	}
}

func TestOfSelf(t *testing.T) {
	entries, err := Of(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 3 {
		t.Errorf("Of(self) listed %d descriptors; stdin, stdout and stderr at least are open", len(entries))
	}
}
