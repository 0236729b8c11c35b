// Package errno names kernel error numbers. Numbers differ between Linux and macOS
// (EAGAIN is 11 on one, 35 on the other), so sockspec prints and stores names only.
package errno

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Of returns the errno inside err, and whether there was one.
func Of(err error) (unix.Errno, bool) {
	var e unix.Errno
	if errors.As(err, &e) {
		return e, true
	}
	return 0, false
}

// Name returns the symbolic name of e ("ESPIPE"), or "errno N" when the OS has none.
func Name(e unix.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

// Describe says what err is in a student's terms: "ESPIPE (illegal seek)".
func Describe(err error) string {
	if err == nil {
		return "success"
	}
	if e, ok := Of(err); ok {
		return fmt.Sprintf("%s (%s)", Name(e), e.Error())
	}
	return err.Error()
}

// Parse turns an errno name such as "EADDRINUSE" into this OS's errno. Only the names of
// Portable are accepted, whichever OS this runs on.
func Parse(name string) (unix.Errno, error) {
	if e, ok := Portable[name]; ok {
		return e, nil
	}
	return 0, fmt.Errorf("%q is not an errno name of Linux, macOS and FreeBSD (such as EADDRINUSE)", name)
}
