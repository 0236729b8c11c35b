package errno

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestNamesRoundTrip(t *testing.T) {
	for _, e := range []unix.Errno{unix.ESPIPE, unix.EADDRINUSE, unix.EAGAIN, unix.ENOTCONN, unix.EINVAL, unix.EOPNOTSUPP, unix.ENOTSUP} {
		got, err := Parse(Name(e))
		if err != nil || got != e {
			t.Errorf("Parse(Name(%d)) = %v, %v; want %v", int(e), got, err, e)
		}
	}
	// ENODATA exists on Linux and macOS but not on FreeBSD: not portable.
	for _, bad := range []string{"ENOSUCHTHING", "", "ok", "ENODATA", "espipe"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse accepted %q", bad)
		}
	}
}

// EAGAIN and EWOULDBLOCK are one number on every OS; the parser takes either name and
// the printer prints EAGAIN, naming the other as an alias.
func TestAgainAndWouldBlock(t *testing.T) {
	a, errA := Parse("EAGAIN")
	w, errW := Parse("EWOULDBLOCK")
	if errA != nil || errW != nil || a != w {
		t.Fatalf("Parse(EAGAIN) = %v, %v; Parse(EWOULDBLOCK) = %v, %v", a, errA, w, errW)
	}
	if got := Name(unix.EWOULDBLOCK); got != "EAGAIN" {
		t.Errorf("Name(EWOULDBLOCK) = %q, want EAGAIN", got)
	}
	want := "EAGAIN = EWOULDBLOCK (" + unix.EAGAIN.Error() + ")"
	if got := Describe(os.NewSyscallError("accept", unix.EWOULDBLOCK)); got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

// Each OS's table goes through the same printer: the numbers and the names x/sys's own
// ErrnoName gives them are copied from x/sys v0.50 (zerrors_linux_amd64.go,
// zerrors_darwin_arm64.go, zerrors_freebsd_amd64.go), so the darwin and freebsd cases run
// here too.
func TestNamesPerOS(t *testing.T) {
	type osTable struct {
		portable map[string]unix.Errno
		xsys     map[unix.Errno]string // what unix.ErrnoName prints there
	}
	tables := map[string]osTable{
		"linux": {
			map[string]unix.Errno{"EAGAIN": 11, "EWOULDBLOCK": 11, "ENOTSUP": 95, "EOPNOTSUPP": 95, "ESPIPE": 29},
			map[unix.Errno]string{11: "EAGAIN", 95: "ENOTSUP", 29: "ESPIPE", 61: "ENODATA"},
		},
		"darwin": {
			map[string]unix.Errno{"EAGAIN": 35, "EWOULDBLOCK": 35, "ENOTSUP": 45, "EOPNOTSUPP": 102, "ESPIPE": 29},
			map[unix.Errno]string{35: "EAGAIN", 45: "ENOTSUP", 102: "EOPNOTSUPP", 29: "ESPIPE", 96: "ENODATA"},
		},
		"freebsd": {
			map[string]unix.Errno{"EAGAIN": 35, "EWOULDBLOCK": 35, "ENOTSUP": 45, "EOPNOTSUPP": 45, "ESPIPE": 29},
			map[unix.Errno]string{35: "EWOULDBLOCK", 45: "EOPNOTSUPP", 29: "ESPIPE"},
		},
	}
	for goos, tc := range tables {
		osName := func(e unix.Errno) string { return tc.xsys[e] }
		for _, c := range []struct {
			num  unix.Errno
			want string
		}{
			{tc.portable["EAGAIN"], "EAGAIN"},
			{tc.portable["EWOULDBLOCK"], "EAGAIN"},
			{tc.portable["EOPNOTSUPP"], "EOPNOTSUPP"},
			{tc.portable["ESPIPE"], "ESPIPE"},
			{4242, "errno 4242"},
		} {
			if got := name(tc.portable, osName, c.num); got != c.want {
				t.Errorf("%s: name(%d) = %q, want %q", goos, int(c.num), got, c.want)
			}
		}
		// ENOTSUP is its own number only on macOS.
		wantNotsup := "EOPNOTSUPP"
		if goos == "darwin" {
			wantNotsup = "ENOTSUP"
		}
		if got := name(tc.portable, osName, tc.portable["ENOTSUP"]); got != wantNotsup {
			t.Errorf("%s: name(ENOTSUP) = %q, want %q", goos, got, wantNotsup)
		}
		// A number that is not portable keeps the OS's own name.
		for num, n := range tc.xsys {
			if n == "ENODATA" {
				if got := name(tc.portable, osName, num); got != "ENODATA" {
					t.Errorf("%s: name(%d) = %q, want ENODATA", goos, int(num), got)
				}
			}
		}
		if got := fmt.Sprint(names(tc.portable, tc.portable["EAGAIN"])); got != "[EAGAIN EWOULDBLOCK]" {
			t.Errorf("%s: names(EAGAIN) = %s", goos, got)
		}
	}
}

func TestDescribeUnwraps(t *testing.T) {
	err := os.NewSyscallError("lseek", unix.ESPIPE)
	if got, want := Describe(err), "ESPIPE (illegal seek)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := Describe(nil); got != "success" {
		t.Errorf("Describe(nil) = %q", got)
	}
	if _, ok := Of(errors.New("plain")); ok {
		t.Error("Of found an errno in a plain error")
	}
}
