package server

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/catalog"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/poll"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// fillQueue connects clients to l one at a time, none accepted, until want+1 were tried or
// one did not complete while the spec watched. Each of the first want clients that
// completed is also waited for at the listener: the next client starts only once the
// kernel queued it, as the claim's clients arrive one after the other (gVisor checks the
// queue's bound against the connections already queued, and queues a completed handshake
// when its own goroutine gets to it: sock.Arrivals). A client that completed is then
// looked at once more: a reset (FreeBSD resets the connection it cannot queue) makes it
// readable. The last one is given the time a reset needs; the earlier ones had it while
// the later ones connected.
func fillQueue(f sock.Family, l *sock.Socket, want int) ([]catalog.Client, []*sock.Socket) {
	GinkgoHelper()
	arrivals := l.Arrivals()
	var clients []catalog.Client
	var socks []*sock.Socket
	for len(clients) <= want {
		c := sock.Dial(f, l.Local())
		done, err := poll.AwaitConnect(c.Num, suite.MustNotHappenFor())
		clients, socks = append(clients, catalog.Client{Done: done, ConnectErr: err}), append(socks, c)
		if !done || err != nil {
			break
		}
		if len(clients) <= want {
			Expect(arrivals.Await(suite.MustHappenWithin())).To(BeTrue(),
				"client %d of the %d the queue holds completed its connect, but the listener never showed its connection queued", len(clients), want)
		}
	}
	for i, c := range socks {
		if clients[i].Done && clients[i].ConnectErr == nil {
			within := time.Duration(0)
			if i == len(socks)-1 {
				within = suite.MustHappenWithin()
			}
			clients[i].Afterwards = afterwards(c, within)
		}
	}
	return clients, socks
}

// afterwards is what a read on a connected client says once it is readable within the
// bound (nil if it never is): the server never writes, so only the connection's end can
// make it readable.
func afterwards(c *sock.Socket, within time.Duration) error {
	GinkgoHelper()
	if !c.Readable(within) {
		return nil
	}
	n, err := c.Read(make([]byte, 1))
	switch {
	case err != nil:
		return err
	case n == 0:
		return catalog.EOF
	}
	return fmt.Errorf("it received a byte the server never sent")
}

// somaxconn is the kernel's live limit on a listen queue, which the catalog may name in
// place of a number (macOS, backlog 0).
func somaxconn() int {
	GinkgoHelper()
	n, source, err := sock.Somaxconn()
	Expect(err).NotTo(HaveOccurred(), "reading %s", source)
	return n
}

// backlogEntries are one table entry per family and backlog that the catalog gives for this
// OS (completed_before_accept), so the backlogs tried live in fixtures/claims.yaml only.
func backlogEntries() []TableEntry {
	GinkgoHelper()
	var entries []TableEntry
	for _, f := range []sock.Family{sock.IPv4, sock.IPv6} {
		for _, b := range suite.Expected[catalog.Backlog]().Backlogs() {
			entries = append(entries, Entry(fmt.Sprintf("%s, backlog %d", f.Name, b), f, b))
		}
	}
	return entries
}

var _ = Describe("listen() queues finished handshakes in a bounded queue", suite.Checks("listen.backlog"), func() {
	DescribeTable("with backlog b, a fixed number of clients complete before any accept(); the next one is not queued (it waits, or it is reset: fixtures/claims.yaml)",
		func(f sock.Family, b int) {
			exp := suite.Expected[catalog.Backlog]()
			limit := somaxconn()
			want := exp.Completed(b, limit)
			l := sock.Listener(f, b)
			clients, _ := fillQueue(f, l, want)
			Expect(exp.Judge(b, limit, clients)).To(Succeed(), "%s: %s", suite.Platform(), catalog.Summary(clients))
			suite.Evidence("%s backlog %d (%s rule: %s, somaxconn %d): %s; watched %v", f.Name, b, suite.Platform(), exp.Rule, limit, catalog.Summary(clients), suite.MustNotHappenFor())
			suite.Observed("somaxconn", limit)
			suite.Observed(fmt.Sprintf("%s backlog %d: completed before accept()", f.Name, b), catalog.Queued(clients))
			suite.Observed(fmt.Sprintf("%s backlog %d: the client beyond the queue", f.Name, b), clients[len(clients)-1])
		},
		backlogEntries(),
	)

	// Slow: on Linux and macOS the waiting client's SYN was dropped, so it completes at its
	// next retransmission (1 s on Linux), once accept() has made room. On FreeBSD the client
	// beyond the queue was reset; after one accept() a new client completes and stays.
	DescribeTable("one accept() frees a place: the next client completes",
		func(f sock.Family) {
			exp := suite.Expected[catalog.Backlog]()
			limit := somaxconn()
			// The backlog with the shortest queue: fewest clients to connect first.
			b := slices.MinFunc(exp.Backlogs(), func(x, y int) int {
				return cmp.Compare(exp.Completed(x, limit), exp.Completed(y, limit))
			})
			want := exp.Completed(b, limit)
			l := sock.Listener(f, b)
			clients, socks := fillQueue(f, l, want)
			Expect(exp.Judge(b, limit, clients)).To(Succeed(), "%s: %s", suite.Platform(), catalog.Summary(clients))
			start := time.Now()
			l.AcceptWithin(suite.MustHappenWithin())
			next, which := socks[want], fmt.Sprintf("the waiting client %d", want+1)
			if exp.BeyondLimit == catalog.CompletesThenReset {
				next, which = sock.Dial(f, l.Local()), fmt.Sprintf("a new client %d (client %d was reset)", want+2, want+1)
			}
			Expect(next).To(CompleteWithin(suite.MustHappenWithin()), "%s after one accept()", which)
			took := time.Since(start).Round(time.Millisecond)
			Expect(afterwards(next, suite.MustNotHappenFor())).To(Succeed(), "%s stays connected", which)
			suite.Evidence("%s backlog %d: after one accept(), %s completed in %v and stayed connected", f.Name, b, which, took)
		},
		Label("slow"),
		suite.Families(),
	)
})
