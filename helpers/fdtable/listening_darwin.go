package fdtable

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// Listening tells whether fd is a listening socket: macOS has no SO_ACCEPTCONN for
// getsockopt, so a TCP socket's state decides (DecideListening).
func Listening(fd int) (bool, error) {
	var a ListenAnswers
	a.Acceptconn, a.AcceptconnErr = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	a.Type, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if info, err := unix.GetsockoptTCPConnectionInfo(fd, unix.IPPROTO_TCP, unix.TCP_CONNECTION_INFO); err != nil {
		a.TCPStateErr = err
	} else {
		a.TCPState = int(info.State)
	}
	return DecideListening(runtime.GOOS, a)
}
