package sock

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Arrivals watches a listener for the connections its kernel queues. A client's connect()
// completing does not say its connection is in the listener's queue yet: gVisor completes
// the server's side of each handshake in a goroutine of its own and queues the connection
// when that goroutine gets to it (pkg/tcpip/transport/tcp/accept.go, handleSynSegment →
// deliverAccepted), possibly after a later client's. A spec that needs clients queued in
// a known order waits for each one's arrival before starting the next.
//
// The watch is edge-triggered: each Await reports a connection queued since the last
// Await (epoll with EPOLLET on Linux: the listener's wakeup on every queued connection;
// kqueue EV_CLEAR on macOS and FreeBSD). Make it before any client connects.
type Arrivals struct {
	watch    *FD
	listener *Socket
}

// Arrivals starts watching the listener s, which must have nothing queued yet.
func (s *Socket) Arrivals() *Arrivals {
	GinkgoHelper()
	fd, err := watchArrivals(s.Num)
	Expect(err).NotTo(HaveOccurred(), "watching %s for queued connections", s)
	return &Arrivals{watch: Track(fd, "arrivals watch of "+s.What), listener: s}
}

// Await waits at most within for a connection to be queued since the last Await, and tells
// whether one was.
func (a *Arrivals) Await(within time.Duration) bool {
	GinkgoHelper()
	arrived, err := awaitArrival(a.watch.Num, within)
	Expect(err).NotTo(HaveOccurred(), "waiting for a connection queued at %s", a.listener)
	return arrived
}
