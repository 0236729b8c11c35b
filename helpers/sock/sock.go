package sock

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
	"sockspec/helpers/fdtable"
	"sockspec/helpers/poll"
	"sockspec/helpers/skip"
	"sockspec/helpers/sockaddr"
)

// Family is an address family the specs run over; TCP claims run as table entries for both.
type Family struct {
	Name     string
	Domain   int
	Loopback netip.Addr
	Any      netip.Addr
}

var (
	IPv4 = Family{"IPv4", unix.AF_INET, netip.MustParseAddr("127.0.0.1"), netip.IPv4Unspecified()}
	IPv6 = Family{"IPv6", unix.AF_INET6, netip.MustParseAddr("::1"), netip.IPv6Unspecified()}
)

var usable sync.Map // Domain -> error: can this host connect over the family's loopback?

// Require skips the spec, with the reason, when the host cannot use the family's loopback
// address (CI containers without IPv6, for one). Every constructor below calls it.
func (f Family) Require() {
	GinkgoHelper()
	v, ok := usable.Load(f.Domain)
	if !ok {
		v = f.ProbeLoopback(probeWithin)
		usable.Store(f.Domain, v)
	}
	if err, _ := v.(error); err != nil {
		skip.Because(skip.Unusable, "%v", err)
	}
}

// stepError is a step of the probe and the kernel's answer to it: "connect → ENETUNREACH (…)".
type stepError struct {
	step string
	err  error
}

func (e stepError) Error() string { return e.step + " → " + errno.Describe(e.err) }
func (e stepError) Unwrap() error { return e.err }

// probeWithin bounds each step of ProbeLoopback; over loopback each takes microseconds.
const probeWithin = 3 * time.Second

// ProbeLoopback makes one TCP connection over the family's loopback address: listen,
// non-blocking connect, accept, each step bounded by within. bind() alone proves nothing: it
// succeeds on a loopback interface that is down, where connect fails with ENETUNREACH. The
// error names the step, the kernel's answer and what to do.
func (f Family) ProbeLoopback(within time.Duration) error {
	err := f.probe(within)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENETUNREACH):
		return fmt.Errorf("%s loopback %s is not usable: %w; %s", f.Name, f.Loopback, err, loopbackHint)
	}
	return fmt.Errorf("%s loopback %s is not usable: %w", f.Name, f.Loopback, err)
}

func (f Family) probe(within time.Duration) error {
	step := func(name string, err error) error { return stepError{name, err} }
	l, err := socket(f.Domain, unix.SOCK_STREAM)
	if err != nil {
		return step("socket", err)
	}
	defer unix.Close(l)
	if err := unix.Bind(l, sockaddr.From(netip.AddrPortFrom(f.Loopback, 0))); err != nil {
		return step("bind", err)
	}
	if err := unix.Listen(l, 1); err != nil {
		return step("listen", err)
	}
	sa, err := unix.Getsockname(l)
	if err != nil {
		return step("getsockname", err)
	}
	to, _ := sockaddr.To(sa)
	c, err := socket(f.Domain, unix.SOCK_STREAM)
	if err != nil {
		return step("socket", err)
	}
	defer unix.Close(c)
	s := &Socket{FD: &FD{Num: c}, Family: f, Type: unix.SOCK_STREAM}
	switch err := s.ConnectWithin(to, within); {
	case errors.Is(err, ErrInProgress):
		return fmt.Errorf("connect to %s did not complete within %v", to, within)
	case err != nil:
		return step("connect", err)
	}
	if revents, err := poll.Wait(l, unix.POLLIN, within); err != nil {
		return step("poll", err)
	} else if revents == 0 {
		return fmt.Errorf("accept: the connection was not queued within %v", within)
	}
	fds, err := cloexec("accept", func() ([]int, error) { nfd, _, err := unix.Accept(l); return []int{nfd}, err })
	if err != nil {
		return step("accept", err)
	}
	return unix.Close(fds[0])
}

// Socket is a socket a spec opened.
type Socket struct {
	*FD
	Family Family // zero for Unix-domain sockets
	Type   int    // unix.SOCK_STREAM or unix.SOCK_DGRAM
}

// TypeName names a socket type as the C constant.
func TypeName(typ int) string {
	switch typ {
	case unix.SOCK_STREAM:
		return "SOCK_STREAM"
	case unix.SOCK_DGRAM:
		return "SOCK_DGRAM"
	}
	return fmt.Sprintf("type %d", typ)
}

func proto(typ int) string {
	if typ == unix.SOCK_DGRAM {
		return "UDP"
	}
	return "TCP"
}

// Open makes a socket of the family and type: socket(2), nothing more.
func Open(f Family, typ int) *Socket {
	GinkgoHelper()
	f.Require()
	s := open(f.Domain, typ, fmt.Sprintf("%s/%s socket", proto(typ), f.Name))
	s.Family = f
	return s
}

// open is socket(2) with close-on-exec, tracked for cleanup.
func open(domain, typ int, what string) *Socket {
	GinkgoHelper()
	fd, err := socket(domain, typ)
	Expect(err).NotTo(HaveOccurred(), "socket() for a %s", what)
	return &Socket{FD: Track(fd, what), Type: typ}
}

// socket is socket(2) with close-on-exec; the caller owns the descriptor.
func socket(domain, typ int) (int, error) {
	fds, err := cloexec("socket", func() ([]int, error) { return one(unix.Socket(domain, typ, 0)) })
	if err != nil {
		return -1, err
	}
	return fds[0], nil
}

// OpenIn makes a socket like Open, but socket(2) runs through in, which may run it on a
// thread inside another network namespace (a test host, helpers/hosts). The socket belongs
// to the namespace it was made in for good; every later call on it works from any thread.
func OpenIn(in func(func() error) error, where string, f Family, typ int) *Socket {
	GinkgoHelper()
	what := fmt.Sprintf("%s/%s socket on %s", proto(typ), f.Name, where)
	var fd int
	err := in(func() (err error) {
		fd, err = socket(f.Domain, typ)
		return err
	})
	Expect(err).NotTo(HaveOccurred(), "socket() for a %s", what)
	return &Socket{FD: Track(fd, what), Family: f, Type: typ}
}

// TCP opens a TCP socket.
func TCP(f Family) *Socket { GinkgoHelper(); return Open(f, unix.SOCK_STREAM) }

// UDP opens a UDP socket.
func UDP(f Family) *Socket { GinkgoHelper(); return Open(f, unix.SOCK_DGRAM) }

// UnixPair makes a connected pair of Unix-domain sockets of type typ.
func UnixPair(typ int) (a, b *Socket) {
	GinkgoHelper()
	fds, err := cloexec("socketpair", func() ([]int, error) {
		p, err := unix.Socketpair(unix.AF_UNIX, typ, 0)
		return p[:], err
	})
	Expect(err).NotTo(HaveOccurred(), "socketpair(AF_UNIX)")
	what := "Unix stream socket"
	if typ == unix.SOCK_DGRAM {
		what = "Unix datagram socket"
	}
	return &Socket{FD: Track(fds[0], what), Type: typ}, &Socket{FD: Track(fds[1], what), Type: typ}
}

// Bind binds to ap and returns the kernel's answer.
func (s *Socket) Bind(ap netip.AddrPort) error {
	return os.NewSyscallError("bind", unix.Bind(s.Num, sockaddr.From(ap)))
}

// BindLoopback binds to the loopback address, port 0, and returns the address the kernel chose.
func (s *Socket) BindLoopback() netip.AddrPort {
	GinkgoHelper()
	Expect(s.Bind(netip.AddrPortFrom(s.Family.Loopback, 0))).To(Succeed(), "bind %s to %s port 0", s, s.Family.Loopback)
	return s.Local()
}

// Listen calls listen(2) and returns the kernel's answer.
func (s *Socket) Listen(backlog int) error {
	return os.NewSyscallError("listen", unix.Listen(s.Num, backlog))
}

// Listener is socket(), bind(loopback, port 0), listen(backlog): a TCP server socket. It is
// non-blocking, so accept never hangs a spec; AcceptWithin waits with a bounded poll.
func Listener(f Family, backlog int) *Socket {
	GinkgoHelper()
	l := TCP(f)
	l.BindLoopback()
	Expect(l.Listen(backlog)).To(Succeed(), "listen on %s", l)
	l.SetNonblock(true)
	l.What = fmt.Sprintf("TCP/%s listener %s", f.Name, l.Local())
	return l
}

// SetNonblock sets or clears O_NONBLOCK.
func (s *Socket) SetNonblock(on bool) {
	GinkgoHelper()
	Expect(unix.SetNonblock(s.Num, on)).To(Succeed(), "fcntl(O_NONBLOCK) on %s", s)
}

// Nonblocking tells whether O_NONBLOCK is set.
func (f *FD) Nonblocking() bool {
	GinkgoHelper()
	fl, err := unix.FcntlInt(uintptr(f.Num), unix.F_GETFL, 0)
	Expect(err).NotTo(HaveOccurred(), "fcntl(F_GETFL) on %s", f)
	return fl&unix.O_NONBLOCK != 0
}

// Dial opens a non-blocking TCP socket and starts connecting it to to. The connect may
// still be in progress when Dial returns: check it with the matchers CompleteWithin and
// StayInProgressFor, or with poll.AwaitConnect.
func Dial(f Family, to netip.AddrPort) *Socket {
	GinkgoHelper()
	c := TCP(f)
	c.SetNonblock(true)
	err := c.Connect(to)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		Fail(fmt.Sprintf("connect %s to %s failed at once with %s", c, to, errno.Describe(err)))
	}
	return c
}

// Connect calls connect(2) and returns the kernel's answer (EINPROGRESS on a non-blocking
// TCP socket whose handshake has not finished yet).
func (s *Socket) Connect(to netip.AddrPort) error {
	s.What = fmt.Sprintf("%s/%s socket connecting to %s", proto(s.Type), s.Family.Name, to)
	return os.NewSyscallError("connect", unix.Connect(s.Num, sockaddr.From(to)))
}

// Accept calls accept(2) once and returns the child socket or the kernel's error.
func (s *Socket) Accept() (*Socket, error) {
	var peer unix.Sockaddr
	fds, err := cloexec("accept", func() ([]int, error) {
		nfd, sa, err := unix.Accept(s.Num)
		peer = sa
		return []int{nfd}, err
	})
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("accepted TCP/%s socket from %s", s.Family.Name, sockaddr.String(peer))
	return &Socket{FD: Track(fds[0], what), Family: s.Family, Type: s.Type}, nil
}

// AcceptWithin waits at most within for a queued connection and accepts it.
func (s *Socket) AcceptWithin(within time.Duration) *Socket {
	GinkgoHelper()
	revents, err := poll.Wait(s.Num, unix.POLLIN, within)
	Expect(err).NotTo(HaveOccurred())
	Expect(revents).NotTo(BeZero(), "no connection was queued on %s within %v", s, within)
	c, err := s.Accept()
	Expect(err).NotTo(HaveOccurred(), "accept on %s", s)
	return c
}

// Local returns getsockname as an IP address and port.
func (s *Socket) Local() netip.AddrPort {
	GinkgoHelper()
	sa, err := unix.Getsockname(s.Num)
	Expect(err).NotTo(HaveOccurred(), "getsockname on %s", s)
	ap, ok := sockaddr.To(sa)
	Expect(ok).To(BeTrue(), "getsockname on %s is not an IP address: %s", s, sockaddr.String(sa))
	return ap
}

// Peer returns getpeername, or the kernel's error.
func (s *Socket) Peer() (netip.AddrPort, error) {
	sa, err := unix.Getpeername(s.Num)
	if err != nil {
		return netip.AddrPort{}, os.NewSyscallError("getpeername", err)
	}
	ap, _ := sockaddr.To(sa)
	return ap, nil
}

// Int reads an integer socket option; the spec fails if the kernel refuses.
func (s *Socket) Int(level, opt int) int {
	GinkgoHelper()
	v, err := unix.GetsockoptInt(s.Num, level, opt)
	Expect(err).NotTo(HaveOccurred(), "getsockopt(%d, %d) on %s", level, opt, s)
	return v
}

// SetInt sets an integer socket option; the spec fails if the kernel refuses.
func (s *Socket) SetInt(level, opt, value int) {
	GinkgoHelper()
	Expect(unix.SetsockoptInt(s.Num, level, opt, value)).To(Succeed(), "setsockopt(%d, %d) on %s", level, opt, s)
}

// ReadWithin reads a byte stream until n bytes arrived, end of file, or the bound.
func (f *FD) ReadWithin(n int, within time.Duration) []byte {
	GinkgoHelper()
	deadline := time.Now().Add(within)
	var got []byte
	buf := make([]byte, n)
	for len(got) < n {
		revents, err := poll.Wait(f.Num, unix.POLLIN, time.Until(deadline))
		Expect(err).NotTo(HaveOccurred())
		if revents == 0 {
			break
		}
		k, err := f.Read(buf[:n-len(got)])
		Expect(err).NotTo(HaveOccurred(), "read on %s", f)
		if k == 0 {
			break // EOF
		}
		got = append(got, buf[:k]...)
	}
	return got
}

// ReadOnce waits at most within for something to read and makes one read: one datagram
// on a UDP socket. It returns nothing if nothing arrived.
func (f *FD) ReadOnce(within time.Duration) []byte {
	GinkgoHelper()
	revents, err := poll.Wait(f.Num, unix.POLLIN, within)
	Expect(err).NotTo(HaveOccurred())
	if revents == 0 {
		return nil
	}
	buf := make([]byte, 65536)
	n, err := f.Read(buf)
	Expect(err).NotTo(HaveOccurred(), "read on %s", f)
	return buf[:n]
}

// Conn is one TCP connection over loopback, with the listener that accepted it.
type Conn struct {
	Listener, Client, Server *Socket
}

// Connected sets up a listener, connects a client and accepts it. It accepts before it
// waits for the client's connect, so it assumes nothing about when the handshake completes
// (listen.passive's claim).
func Connected(f Family, within time.Duration) Conn {
	GinkgoHelper()
	l := Listener(f, 8)
	c := Dial(f, l.Local())
	server := l.AcceptWithin(within)
	done, err := poll.AwaitConnect(c.Num, within)
	Expect(err).NotTo(HaveOccurred(), "connect to %s", l)
	Expect(done).To(BeTrue(), "connect to %s did not complete within %v", l, within)
	return Conn{Listener: l, Client: c, Server: server}
}

// ErrInProgress is ConnectWithin's answer for a connect the kernel has not finished.
var ErrInProgress = errors.New("connect still in progress")

// ConnectWithin connects s to to and waits at most within for the kernel's answer: nil,
// the kernel's error (refused at once or later), or ErrInProgress. It never sleeps in
// connect(2): the connect is non-blocking, then a bounded poll (restarted after signals)
// and SO_ERROR say how it ended. The socket is left non-blocking.
//
// Once the connect succeeded, the socket is connected in the socket layer's own state too,
// as after a blocking connect: on Linux a non-blocking connect that completed in the
// background leaves that state "connecting", and the next connect() returns 0 whatever the
// address; so ConnectWithin makes that call itself, and the caller's next connect() fails
// with EISCONN (macOS and FreeBSD answer EISCONN to this call already).
func (s *Socket) ConnectWithin(to netip.AddrPort, within time.Duration) error {
	if err := unix.SetNonblock(s.Num, true); err != nil {
		return os.NewSyscallError("fcntl(O_NONBLOCK)", err)
	}
	err := s.Connect(to)
	if errors.Is(err, unix.EINPROGRESS) {
		var done bool
		if done, err = poll.AwaitConnect(s.Num, within); err == nil && !done {
			return ErrInProgress
		}
	}
	if err != nil {
		return err
	}
	if err := unix.Connect(s.Num, sockaddr.From(to)); err != nil && !errors.Is(err, unix.EISCONN) {
		return os.NewSyscallError("connect (again, once it completed)", err)
	}
	return nil
}

// Listening tells whether s is listening, the way this OS can tell (fdtable.Listening:
// SO_ACCEPTCONN on Linux and FreeBSD, the TCP state on macOS); the spec fails if the OS's
// answer cannot be read as yes or no.
func (s *Socket) Listening() bool {
	GinkgoHelper()
	listening, err := fdtable.Listening(s.Num)
	Expect(err).NotTo(HaveOccurred(), "is %s listening?", s)
	return listening
}
