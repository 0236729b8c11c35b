package sock

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/poll"
	"sockspec/helpers/sockaddr"
)

// NetListener hands a listening socket the spec made with socket(), bind(), listen() to
// Go's net package, for a server that speaks an application protocol (HTTP, WebSocket).
// net.FileListener takes a duplicate; the original number is closed here, so the server's
// listener is the only descriptor left, and DeferCleanup closes it.
func (s *Socket) NetListener() net.Listener {
	GinkgoHelper()
	f := os.NewFile(uintptr(s.Num), s.What)
	ln, err := net.FileListener(f)
	// The os.File owns the number now: closing it through the File keeps Go's poller and
	// finalizer in step, and the tracked FD must not close the number a second time.
	s.closed = true
	Expect(f.Close()).To(Succeed(), "closing the original of %s", s)
	Expect(err).NotTo(HaveOccurred(), "net.FileListener on %s", s)
	DeferCleanup(func() {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			Fail(fmt.Sprintf("cleanup: closing the net listener of %s: %v", s, err))
		}
	})
	return ln
}

// NetConn lets code that needs a net.Conn (crypto/tls, for wss) run over a connected raw
// socket. Every read and write is a bounded poll(2) plus read(2)/write(2) on the socket
// itself: nothing blocks longer than within (or a deadline set on the conn), and the
// bytes go exactly where the spec's own calls would put them.
func (s *Socket) NetConn(within time.Duration) net.Conn {
	return &netConn{s: s, within: within}
}

type netConn struct {
	s      *Socket
	within time.Duration
	mu     sync.Mutex
	rd, wd time.Time
}

// ErrTimeout is what a NetConn read or write returns when its bound passes.
var ErrTimeout = fmt.Errorf("no progress on the socket within the bound: %w", os.ErrDeadlineExceeded)

func (c *netConn) bound(deadline time.Time) time.Duration {
	if deadline.IsZero() {
		return c.within
	}
	return time.Until(deadline)
}

func (c *netConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	deadline := time.Now().Add(c.bound(c.rd))
	c.mu.Unlock()
	for {
		revents, err := poll.Wait(c.s.Num, unix.POLLIN, time.Until(deadline))
		if err != nil {
			return 0, err
		}
		if revents == 0 {
			return 0, ErrTimeout
		}
		n, err := unix.Read(c.s.Num, p)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, os.NewSyscallError("read", err)
		}
		if n == 0 && len(p) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c *netConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	deadline := time.Now().Add(c.bound(c.wd))
	c.mu.Unlock()
	done := 0
	for done < len(p) {
		revents, err := poll.Wait(c.s.Num, unix.POLLOUT, time.Until(deadline))
		if err != nil {
			return done, err
		}
		if revents == 0 {
			return done, ErrTimeout
		}
		n, err := unix.Write(c.s.Num, p[done:])
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return done, os.NewSyscallError("write", err)
		}
		done += n
	}
	return done, nil
}

// Close leaves the socket to its owner: the spec closes it, or DeferCleanup does.
func (c *netConn) Close() error { return nil }

func (c *netConn) LocalAddr() net.Addr { return tcpAddr(unix.Getsockname(c.s.Num)) }

func (c *netConn) RemoteAddr() net.Addr { return tcpAddr(unix.Getpeername(c.s.Num)) }

// tcpAddr gives the zero address when the socket has none (closed, or never connected).
func tcpAddr(sa unix.Sockaddr, err error) net.Addr {
	ap, _ := sockaddr.To(sa)
	return net.TCPAddrFromAddrPort(ap)
}

func (c *netConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rd, c.wd = t, t
	return nil
}

func (c *netConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rd = t
	return nil
}

func (c *netConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wd = t
	return nil
}
