//go:build linux || freebsd

package fdtable

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// Listening tells whether fd is a listening socket, as SO_ACCEPTCONN says (DecideListening).
func Listening(fd int) (bool, error) {
	var a ListenAnswers
	a.Acceptconn, a.AcceptconnErr = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	return DecideListening(runtime.GOOS, a)
}
