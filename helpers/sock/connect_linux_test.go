package sock

import (
	"errors"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/poll"
	"sockspec/helpers/sockaddr"
)

// rawTCP is a TCP/IPv4 socket for these tests, which run without Ginkgo (no DeferCleanup).
func rawTCP(t *testing.T) *Socket {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return &Socket{FD: &FD{Num: fd, What: "test socket"}, Family: IPv4, Type: unix.SOCK_STREAM}
}

// rawListener listens on 127.0.0.1, port 0, with backlog.
func rawListener(t *testing.T, backlog int) (*Socket, netip.AddrPort) {
	t.Helper()
	l := rawTCP(t)
	if err := unix.Bind(l.Num, sockaddr.From(netip.AddrPortFrom(IPv4.Loopback, 0))); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(l.Num, backlog); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(l.Num)
	if err != nil {
		t.Fatal(err)
	}
	ap, _ := sockaddr.To(sa)
	return l, ap
}

// A connect that waits while signals land (the Go runtime preempts threads with SIGURG)
// must neither fail with EINTR nor end early: it waits out its bound and says the connect
// is still in progress. The listener's queue is full (backlog 0 holds one connection on
// Linux), so the kernel drops the SYN and the connect can only wait. A blocking connect
// bounded by SO_SNDTIMEO, as the old ConnectBlocking was, fails with EINTR at the first signal.
func TestConnectWithinOutlastsSignals(t *testing.T) {
	l, addr := rawListener(t, 0)
	if err := rawTCP(t).ConnectWithin(addr, 2*time.Second); err != nil {
		t.Fatalf("the first client, which fills the queue: %v", err)
	}
	if revents, err := poll.Wait(l.Num, unix.POLLIN, 2*time.Second); err != nil || revents == 0 {
		t.Fatalf("the first client never reached the accept queue: %#x, %v", revents, err)
	}
	urgent := make(chan os.Signal, 1000)
	signal.Notify(urgent, unix.SIGURG)
	defer signal.Stop(urgent)

	for _, c := range []struct {
		name    string
		connect func(*Socket, netip.AddrPort, time.Duration) error
	}{
		{"ConnectWithin", (*Socket).ConnectWithin},
	} {
		t.Run(c.name, func(t *testing.T) {
			const within = 300 * time.Millisecond
			s := rawTCP(t)
			tid := make(chan int)
			type result struct {
				err  error
				took time.Duration
			}
			done := make(chan result)
			go func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				tid <- unix.Gettid()
				start := time.Now()
				err := c.connect(s, addr, within)
				done <- result{err, time.Since(start)}
			}()
			thread := <-tid
			for len(urgent) > 0 {
				<-urgent
			}
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case r := <-done:
					if !errors.Is(r.err, ErrInProgress) || r.took < within {
						t.Fatalf("%s to a full queue under signals = %v after %v; want %v after the whole %v", c.name, r.err, r.took, ErrInProgress, within)
					}
					if len(urgent) == 0 {
						t.Fatal("no SIGURG reached the process, so nothing was tested")
					}
					return
				case <-tick.C:
					unix.Tgkill(os.Getpid(), thread, unix.SIGURG)
				}
			}
		})
	}
}

// Once ConnectWithin says a TCP socket is connected, it is connected in the socket layer's
// state too: connecting it again fails with EISCONN, as after a blocking connect. After a
// bare non-blocking connect Linux answers that second connect with 0, whatever the address.
func TestConnectWithinLeavesTheSocketConnected(t *testing.T) {
	_, first := rawListener(t, 4)
	_, second := rawListener(t, 4)
	c := rawTCP(t)
	if err := c.ConnectWithin(first, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(c.Num, sockaddr.From(second)); !errors.Is(err, unix.EISCONN) {
		t.Fatalf("connect again to another listener = %v; want EISCONN", err)
	}
	peer, err := c.Peer()
	if err != nil || peer != first {
		t.Fatalf("peer = %v, %v; want %v", peer, err, first)
	}

	// Control: the bare non-blocking connect this guards against.
	bare := rawTCP(t)
	unix.SetNonblock(bare.Num, true)
	if err := unix.Connect(bare.Num, sockaddr.From(first)); !errors.Is(err, unix.EINPROGRESS) {
		t.Fatalf("non-blocking connect = %v; want EINPROGRESS", err)
	}
	if done, err := poll.AwaitConnect(bare.Num, 2*time.Second); !done || err != nil {
		t.Fatalf("the bare connect did not complete: %v, %v", done, err)
	}
	if err := unix.Connect(bare.Num, sockaddr.From(second)); err != nil {
		t.Logf("this kernel answers a second connect after a non-blocking one with %v (Linux: 0)", err)
	}
}
