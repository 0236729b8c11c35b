// Package client is the grader's side of a TCP connection to a target: a raw non-blocking
// socket (golang.org/x/sys/unix) where every wait is poll(2) with a deadline, so no
// misbehaving server can hang the grader. Errors name the errno.
package client

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
	"sockspec/helpers/grade/sandbox"
	"sockspec/helpers/poll"
	"sockspec/helpers/sockaddr"
)

// ErrTimeout is returned when a deadline passes.
var ErrTimeout = os.ErrDeadlineExceeded

// Conn is one client connection. It is an io.ReadWriter bounded by its deadline, so
// protocol code (helpers/wsproto) can run over it.
type Conn struct {
	FD          int
	Local, Peer netip.AddrPort
	deadline    time.Time
	closed      bool
}

// ConnectError is a connect() that failed or got no answer.
type ConnectError struct {
	To  netip.AddrPort
	Err error
}

func (e *ConnectError) Error() string { return fmt.Sprintf("connect to %s: %s", e.To, Describe(e.Err)) }
func (e *ConnectError) Unwrap() error { return e.Err }

// Dial connects fd, a fresh non-blocking TCP socket, to to, waiting at most within.
func Dial(fd int, to netip.AddrPort, within time.Duration) (*Conn, error) {
	c := &Conn{FD: fd, Peer: to}
	err := unix.Connect(fd, sockaddr.From(to))
	if err == unix.EINPROGRESS {
		var done bool
		if done, err = poll.AwaitConnect(fd, within); err == nil && !done {
			err = ErrTimeout
		}
	}
	if err != nil {
		sandbox.CloseNow(fd)
		c.closed = true
		if _, isErrno := err.(unix.Errno); isErrno {
			err = os.NewSyscallError("connect", err)
		}
		return nil, &ConnectError{To: to, Err: err}
	}
	if sa, err := unix.Getsockname(fd); err == nil {
		c.Local, _ = sockaddr.To(sa)
	}
	return c, nil
}

func (c *Conn) String() string { return fmt.Sprintf("client %s", c.Local) }

// SetDeadline bounds every later Read and Write.
func (c *Conn) SetDeadline(t time.Time) { c.deadline = t }

// poll waits until the socket is ready for events (or reports an error or hang-up) or the
// deadline passes.
func (c *Conn) poll(events int16, deadline time.Time) (bool, error) {
	revents, err := poll.Wait(c.FD, events, time.Until(deadline))
	return revents != 0, err
}

// Read reads what is there, waiting until the deadline; io.EOF when the server closed.
func (c *Conn) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(c.FD, p)
		if err == unix.EAGAIN || err == unix.EINTR {
			ready, perr := c.poll(unix.POLLIN, c.deadline)
			if perr != nil {
				return 0, perr
			}
			if !ready {
				return 0, ErrTimeout
			}
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

// Write writes all of p, waiting until the deadline when the socket's buffer is full.
func (c *Conn) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := unix.SendmsgN(c.FD, p[done:], nil, nil, unix.MSG_NOSIGNAL)
		if err == unix.EAGAIN || err == unix.EINTR {
			ready, perr := c.poll(unix.POLLOUT, c.deadline)
			if perr != nil {
				return done, perr
			}
			if !ready {
				return done, ErrTimeout
			}
			continue
		}
		if err != nil {
			return done, os.NewSyscallError("write", err)
		}
		done += n
	}
	return done, nil
}

// ReadFull reads exactly n bytes within; on failure it returns what it got.
func (c *Conn) ReadFull(n int, within time.Duration) ([]byte, error) {
	c.SetDeadline(time.Now().Add(within))
	buf := make([]byte, n)
	got, err := io.ReadFull(c, buf)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return buf[:got], err
}

// Echo writes msg in one write and reads back as many bytes, within.
func (c *Conn) Echo(msg []byte, within time.Duration) ([]byte, error) {
	c.SetDeadline(time.Now().Add(within))
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	return c.ReadFull(len(msg), within)
}

// Available reads whatever arrives within d, without waiting for more: the bytes, and
// whether the server closed the connection (EOF or a reset) meanwhile.
func (c *Conn) Available(d time.Duration) (got []byte, closed bool, err error) {
	deadline := time.Now().Add(d)
	buf := make([]byte, 64<<10)
	for {
		ready, perr := c.poll(unix.POLLIN, deadline)
		if perr != nil {
			return got, false, perr
		}
		if !ready {
			return got, false, nil
		}
		n, rerr := unix.Read(c.FD, buf)
		switch {
		case rerr == unix.EAGAIN || rerr == unix.EINTR:
		case rerr != nil:
			return got, true, os.NewSyscallError("read", rerr)
		case n == 0:
			return got, true, io.EOF
		default:
			got = append(got, buf[:n]...)
		}
	}
}

// WaitEOF reads until the server closes the connection, at most within: nil when it did
// (a reset counts as closed too), ErrTimeout when it did not. extra is anything it sent.
func (c *Conn) WaitEOF(within time.Duration) (extra []byte, err error) {
	got, closed, err := c.Available(within)
	if closed {
		if errors.Is(err, io.EOF) || errors.Is(err, unix.ECONNRESET) {
			return got, nil
		}
		return got, err
	}
	if err != nil {
		return got, err
	}
	return got, ErrTimeout
}

// Exchange sends data while reading what comes back, until as many bytes as data came
// back, the server closed, or within passed: a server that echoes while the client is
// still writing never deadlocks against it.
func (c *Conn) Exchange(data []byte, within time.Duration) ([]byte, error) {
	deadline := time.Now().Add(within)
	got := make([]byte, 0, len(data))
	buf := make([]byte, 64<<10)
	sent := 0
	for len(got) < len(data) {
		events := int16(unix.POLLIN)
		if sent < len(data) {
			events |= unix.POLLOUT
		}
		ready, err := c.poll(events, deadline)
		if err != nil {
			return got, err
		}
		if !ready {
			return got, ErrTimeout
		}
		if sent < len(data) {
			n, err := unix.SendmsgN(c.FD, data[sent:min(len(data), sent+64<<10)], nil, nil, unix.MSG_NOSIGNAL)
			if err != nil && err != unix.EAGAIN && err != unix.EINTR {
				return got, os.NewSyscallError("write", err)
			}
			sent += n
		}
		n, err := unix.Read(c.FD, buf)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
		case err != nil:
			return got, os.NewSyscallError("read", err)
		case n == 0:
			return got, io.EOF
		default:
			got = append(got, buf[:n]...)
		}
	}
	return got, nil
}

// ShutdownWrite sends FIN: the client has nothing more to say but still reads.
func (c *Conn) ShutdownWrite() error {
	return os.NewSyscallError("shutdown", unix.Shutdown(c.FD, unix.SHUT_WR))
}

// CloseReset closes with SO_LINGER 0: the kernel sends RST instead of FIN.
func (c *Conn) CloseReset() error {
	if c.closed {
		return nil
	}
	err := unix.SetsockoptLinger(c.FD, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	return errors.Join(os.NewSyscallError("setsockopt(SO_LINGER)", err), c.Close())
}

// Close closes the socket (FIN, or RST if unread data is left in it), at once: never
// later, when a box's init that was being started meanwhile gets to its exec (sandbox.CloseNow).
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return os.NewSyscallError("close", sandbox.CloseNow(c.FD))
}

// Describe says what an error from this package means for a student: errno by name, or
// "no answer within …".
func Describe(err error) string {
	switch {
	case err == nil:
		return "success"
	case errors.Is(err, ErrTimeout):
		return "nothing within the time limit"
	case errors.Is(err, io.EOF):
		return "the server closed the connection (EOF)"
	}
	if e, ok := errno.Of(err); ok {
		var se *os.SyscallError
		if errors.As(err, &se) {
			return se.Syscall + ": " + errno.Describe(e)
		}
		return errno.Describe(e)
	}
	return err.Error()
}
