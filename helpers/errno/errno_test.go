package errno

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestNamesRoundTrip(t *testing.T) {
	for _, e := range []unix.Errno{unix.ESPIPE, unix.EADDRINUSE, unix.EAGAIN, unix.ENOTCONN, unix.EINVAL} {
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
