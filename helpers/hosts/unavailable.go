package hosts

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
	"sockspec/helpers/skip"
)

// unavailable says that this machine cannot make test hosts, or cannot give them
// something (IPv6): the spec that needs it skips, naming what is missing (LTP's TCONF),
// instead of failing a claim the kernel never had the chance to break.
type unavailable struct {
	reason skip.Reason
	what   string // what is missing: "IPC namespaces", "IPv6"
	err    error  // how the kernel said so
}

func (u *unavailable) Error() string { return u.what + ": " + u.err.Error() }
func (u *unavailable) Unwrap() error { return u.err }

// lacking is err read as the absence of what when the kernel answered with one of errnos,
// the way it says it lacks that; any other error stays an error, and nil stays nil.
func lacking(r skip.Reason, what string, err error, errnos ...unix.Errno) error {
	for _, e := range errnos {
		if errors.Is(err, e) {
			return &unavailable{reason: r, what: what, err: err}
		}
	}
	return err
}

// describe is err with its errno by name, and for EMFILE the limit that was reached.
func describe(err error) string {
	e, ok := errno.Of(err)
	if !ok {
		return err.Error()
	}
	if e == unix.EMFILE {
		var l unix.Rlimit
		if unix.Getrlimit(unix.RLIMIT_NOFILE, &l) == nil {
			return fmt.Sprintf("%v (EMFILE: at most %d descriptors may be open, ulimit -n)", err, l.Cur)
		}
	}
	return fmt.Sprintf("%v (%s)", err, errno.Name(e))
}
