package fdtable

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
)

// ListenAnswers is what the OS said about one socket: the inputs of DecideListening.
type ListenAnswers struct {
	Acceptconn    int   // getsockopt(SOL_SOCKET, SO_ACCEPTCONN)
	AcceptconnErr error // ... or its error
	Type          int   // getsockopt(SOL_SOCKET, SO_TYPE)
	TCPState      int   // macOS: getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO) tcpi_state
	TCPStateErr   error // ... or its error
}

// acceptconnYes is what SO_ACCEPTCONN answers on a listening socket, per OS; on any other
// socket it answers 0. macOS has no entry: its getsockopt does not know the option.
var acceptconnYes = map[string]int{
	// Linux net/core/sock.c sk_getsockopt: case SO_ACCEPTCONN: v.val = sk->sk_state == TCP_LISTEN.
	"linux": 1,
	// FreeBSD sys/kern/uipc_socket.c sogetopt: case SO_ACCEPTCONN: optval = so->so_options &
	// sopt->sopt_name, the flag's own bit (SO_ACCEPTCONN 0x0002, sys/sys/socket.h).
	"freebsd": 2,
}

// tcpsListen is TCPS_LISTEN (XNU bsd/netinet/tcp_fsm.h), the tcpi_state of a listener:
// XNU bsd/netinet/tcp_usrreq.c tcp_connection_fill_info sets tcpi_state = tp->t_state.
const tcpsListen = 1

// DecideListening decides, by the rules of goos, whether the socket the OS answered about
// is listening. Linux and FreeBSD tell with SO_ACCEPTCONN, each with its own value for
// "yes"; XNU's sogetoptlock (bsd/kern/uipc_socket.c) has no case for SO_ACCEPTCONN and fails
// with ENOPROTOOPT, so on macOS a TCP socket's state decides (TCP_CONNECTION_INFO), a
// datagram socket never listens (listen() refuses it), and any other socket cannot be told.
// Any answer the rules do not expect is an error, never a guess.
func DecideListening(goos string, a ListenAnswers) (bool, error) {
	if yes, ok := acceptconnYes[goos]; ok {
		switch {
		case a.AcceptconnErr != nil:
			return false, fmt.Errorf("getsockopt(SO_ACCEPTCONN) failed with %s", errno.Describe(a.AcceptconnErr))
		case a.Acceptconn == 0:
			return false, nil
		case a.Acceptconn == yes:
			return true, nil
		}
		return false, fmt.Errorf("getsockopt(SO_ACCEPTCONN) answered %d; on %s it answers 0 or %d", a.Acceptconn, goos, yes)
	}
	if goos != "darwin" {
		return false, fmt.Errorf("fdtable has no rule for telling a listening socket on %s", goos)
	}
	if !errors.Is(a.AcceptconnErr, unix.ENOPROTOOPT) {
		return false, fmt.Errorf("getsockopt(SO_ACCEPTCONN) on macOS: expected ENOPROTOOPT (XNU sogetoptlock knows no such option), got %s", answer(a.Acceptconn, a.AcceptconnErr))
	}
	if a.Type == unix.SOCK_DGRAM {
		return false, nil
	}
	if a.TCPStateErr != nil {
		return false, fmt.Errorf("macOS tells only a TCP socket's state, and getsockopt(TCP_CONNECTION_INFO) failed with %s", errno.Describe(a.TCPStateErr))
	}
	return a.TCPState == tcpsListen, nil
}

func answer(v int, err error) string {
	if err != nil {
		return errno.Describe(err)
	}
	return fmt.Sprintf("the value %d", v)
}
