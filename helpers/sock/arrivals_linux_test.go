package sock

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/sockaddr"
)

// Each connection the kernel queues at a listener is reported once, and nothing is
// reported while none arrives (the control).
func TestArrivalsReportsEachQueuedConnection(t *testing.T) {
	l, addr := rawListener(t, 8)
	ep, err := watchArrivals(l.Num)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(ep) })
	await := func(within time.Duration) bool {
		t.Helper()
		arrived, err := awaitArrival(ep, within)
		if err != nil {
			t.Fatal(err)
		}
		return arrived
	}
	if await(20 * time.Millisecond) {
		t.Fatal("an arrival reported before any client connected")
	}
	for i := 1; i <= 3; i++ {
		c := rawTCP(t)
		unix.SetNonblock(c.Num, true) // never wait in connect(2)
		if err := unix.Connect(c.Num, sockaddr.From(addr)); err != nil && err != unix.EINPROGRESS {
			t.Fatal(err)
		}
		if !await(3 * time.Second) {
			t.Fatalf("client %d: no arrival reported within 3s", i)
		}
		if await(20 * time.Millisecond) {
			t.Fatalf("client %d: its arrival was reported twice", i)
		}
	}
}
