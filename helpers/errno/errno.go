// Package errno names kernel error numbers. Numbers differ between Linux and macOS
// (EAGAIN is 11 on one, 35 on the other), so sockspec prints and stores names only.
package errno

import (
	"errors"
	"fmt"
	"slices"

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

// Name returns the symbolic name of e ("ESPIPE"), the same on every OS: where one number
// has two portable names (EAGAIN and EWOULDBLOCK everywhere; EOPNOTSUPP and ENOTSUP on
// Linux and FreeBSD), the first of Preferred. x/sys's own ErrnoName would not do: its
// FreeBSD table prints 35 as EWOULDBLOCK, its Linux table prints 95 as ENOTSUP. A number
// with no portable name gets the OS's name, or "errno N".
func Name(e unix.Errno) string { return name(Portable, unix.ErrnoName, e) }

// Aliases returns the other portable names of e's number on this OS: ["EWOULDBLOCK"]
// for EAGAIN.
func Aliases(e unix.Errno) []string { return names(Portable, e)[1:] }

// Preferred says which of two names for one number is printed, on every OS.
var Preferred = []string{"EAGAIN", "EOPNOTSUPP"}

// names lists the names table gives e's number, Preferred first, then in name order; at
// least one element (the OS's name, or "errno N").
func names(table map[string]unix.Errno, e unix.Errno) []string {
	var out []string
	for n, v := range table {
		if v == e {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		pa, pb := slices.Contains(Preferred, a), slices.Contains(Preferred, b)
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// name is Name for an OS whose portable names are table and whose own names are osName.
func name(table map[string]unix.Errno, osName func(unix.Errno) string, e unix.Errno) string {
	if n := names(table, e)[0]; n != "" {
		return n
	}
	if n := osName(e); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

// Describe says what err is in a student's terms: "ESPIPE (illegal seek)", and for a
// number with two names "EAGAIN = EWOULDBLOCK (resource temporarily unavailable)".
func Describe(err error) string {
	if err == nil {
		return "success"
	}
	if e, ok := Of(err); ok {
		n := Name(e)
		for _, a := range Aliases(e) {
			n += " = " + a
		}
		return fmt.Sprintf("%s (%s)", n, e.Error())
	}
	return err.Error()
}

// Parse turns an errno name such as "EADDRINUSE" into this OS's errno. Only the names of
// Portable are accepted, whichever OS this runs on; both names of one number (EAGAIN,
// EWOULDBLOCK) are.
func Parse(name string) (unix.Errno, error) {
	if e, ok := Portable[name]; ok {
		return e, nil
	}
	return 0, fmt.Errorf("%q is not an errno name of Linux, macOS and FreeBSD (such as EADDRINUSE)", name)
}
