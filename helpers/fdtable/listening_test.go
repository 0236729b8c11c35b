package fdtable

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Each OS's rule, fed what that OS answers (from its source: see acceptconnYes and
// DecideListening) for a listener, a socket that is not listening and a datagram socket,
// and the answers that must not be taken for either.
func TestDecideListening(t *testing.T) {
	enoprotoopt := fmt.Errorf("getsockopt: %w", unix.ENOPROTOOPT)
	stream, dgram := unix.SOCK_STREAM, unix.SOCK_DGRAM
	for _, tc := range []struct {
		goos string
		a    ListenAnswers
		want bool
		err  string // "" when the answers decide
	}{
		{"linux", ListenAnswers{Acceptconn: 1}, true, ""},
		{"linux", ListenAnswers{Acceptconn: 0}, false, ""},
		{"linux", ListenAnswers{Acceptconn: 2}, false, "answered 2; on linux it answers 0 or 1"},
		{"linux", ListenAnswers{AcceptconnErr: enoprotoopt}, false, "failed with ENOPROTOOPT"},
		{"freebsd", ListenAnswers{Acceptconn: 2}, true, ""},
		{"freebsd", ListenAnswers{Acceptconn: 0}, false, ""},
		{"freebsd", ListenAnswers{Acceptconn: 1}, false, "answered 1; on freebsd it answers 0 or 2"},
		{"darwin", ListenAnswers{AcceptconnErr: enoprotoopt, Type: stream, TCPState: 1}, true, ""},
		{"darwin", ListenAnswers{AcceptconnErr: enoprotoopt, Type: stream, TCPState: 0}, false, ""}, // CLOSED: bound or fresh
		{"darwin", ListenAnswers{AcceptconnErr: enoprotoopt, Type: stream, TCPState: 4}, false, ""}, // ESTABLISHED: an accepted child
		{"darwin", ListenAnswers{AcceptconnErr: enoprotoopt, Type: dgram, TCPStateErr: enoprotoopt}, false, ""},
		{"darwin", ListenAnswers{AcceptconnErr: enoprotoopt, Type: stream, TCPStateErr: unix.EOPNOTSUPP}, false, "only a TCP socket's state"},
		{"darwin", ListenAnswers{Acceptconn: 1, Type: stream, TCPState: 1}, false, "expected ENOPROTOOPT"},
		{"plan9", ListenAnswers{Acceptconn: 1}, false, "no rule"},
	} {
		got, err := DecideListening(tc.goos, tc.a)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s %+v: %v, %v; want %v", tc.goos, tc.a, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || got):
			t.Errorf("%s %+v: %v, %v; want an error saying %q", tc.goos, tc.a, got, err, tc.err)
		}
	}
}

// On this machine: a listener is listening, the socket before listen() and the accepted
// child are not.
func TestListeningHere(t *testing.T) {
	l, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(l)
	if err := unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if got, err := Listening(l); got || err != nil {
		t.Errorf("bound socket: Listening = %v, %v", got, err)
	}
	if err := unix.Listen(l, 1); err != nil {
		t.Fatal(err)
	}
	if got, err := Listening(l); !got || err != nil {
		t.Errorf("listener: Listening = %v, %v", got, err)
	}
	addr, _ := unix.Getsockname(l)
	c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(c)
	if err := unix.Connect(c, addr); err != nil {
		t.Fatal(err)
	}
	child, _, err := unix.Accept(l)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(child)
	if got, err := Listening(child); got || err != nil {
		t.Errorf("accepted child: Listening = %v, %v", got, err)
	}
	u, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(u)
	if got, err := Listening(u); got || err != nil {
		t.Errorf("UDP socket: Listening = %v, %v", got, err)
	}
}

// A directory view that does not list the descriptor reading it cannot be trusted:
// FreeBSD's /dev/fd without fdescfs is the case in point.
func TestCompleteView(t *testing.T) {
	if err := complete("/proc/self/fd", []int{0, 1, 2, 5, 7}, 7); err != nil {
		t.Errorf("a view listing its reader: %v", err)
	}
	err := complete("/dev/fd", []int{0, 1, 2}, 7)
	if err == nil || !strings.Contains(err.Error(), "/dev/fd lists only [0 1 2], not 7") || !strings.Contains(err.Error(), "fdescfs") {
		t.Errorf("FreeBSD's /dev/fd without fdescfs: err = %v", err)
	}
}
