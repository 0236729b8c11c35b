package server

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/catalog"
	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// fillQueue connects clients to l, one at a time and none accepted, until one does not
// complete while the spec watches (or want+1 completed). It returns the completed clients
// and the one left waiting.
func fillQueue(f sock.Family, l *sock.Socket, want int) (completed []*sock.Socket, waiting *sock.Socket) {
	GinkgoHelper()
	for len(completed) <= want {
		c := sock.Dial(f, l.Local())
		done, err := sock.AwaitConnect(c.Num, suite.MustNotHappenFor())
		Expect(err).NotTo(HaveOccurred(), "connect of client %d to %s", len(completed)+1, l)
		if !done {
			return completed, c
		}
		completed = append(completed, c)
	}
	return completed, nil
}

// backlogExpectation is the catalog's listen.backlog for this OS. These specs check a client
// beyond the limit that stays in progress; where the catalog says it completes and is then
// reset (FreeBSD), they are skipped for that reason.
func backlogExpectation() catalog.Backlog {
	GinkgoHelper()
	want := suite.Expected[catalog.Backlog]()
	if want.BeyondLimit != catalog.StaysInProgress {
		skip.Because(skip.OtherOS, "on %s a client beyond the accept queue's limit %s (fixtures/claims.yaml); these specs check one that %s",
			runtime.GOOS, want.BeyondLimit, catalog.StaysInProgress)
	}
	return want
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
	DescribeTable("with backlog b, a fixed number of clients complete before any accept(); the next one waits",
		func(f sock.Family, b int) {
			exp := backlogExpectation()
			want := exp.CompletedBeforeAccept[b]
			l := sock.Listener(f, b)
			completed, waiting := fillQueue(f, l, want)
			Expect(len(completed)).To(Equal(want), "clients completed before accept with backlog %d (%s: %s)", b, runtime.GOOS, exp.Rule)
			Expect(waiting).NotTo(BeNil(), "client %d should wait: the queue holds %d", want+1, want)
			suite.Evidence("%s backlog %d: %d completed, client %d still in progress after %v (%s rule: %s)", f.Name, b, len(completed), want+1, suite.MustNotHappenFor(), runtime.GOOS, exp.Rule)
		},
		backlogEntries(),
	)

	// Slow: the waiting client's SYN was dropped, so it completes at its next retransmission
	// (1 s on Linux), once accept() has made room.
	DescribeTable("one accept() frees a place and the waiting client completes",
		func(f sock.Family) {
			exp := backlogExpectation()
			// The backlog with the shortest queue: fewest clients to connect first.
			b := slices.MinFunc(exp.Backlogs(), func(x, y int) int {
				return cmp.Compare(exp.CompletedBeforeAccept[x], exp.CompletedBeforeAccept[y])
			})
			want := exp.CompletedBeforeAccept[b]
			l := sock.Listener(f, b)
			completed, waiting := fillQueue(f, l, want)
			Expect(len(completed)).To(Equal(want))
			Expect(waiting).NotTo(BeNil())
			start := time.Now()
			l.AcceptWithin(suite.MustHappenWithin())
			done, err := sock.AwaitConnect(waiting.Num, suite.MustHappenWithin())
			Expect(err).NotTo(HaveOccurred())
			Expect(done).To(BeTrue(), "the waiting client did not complete within %v of one accept()", suite.MustHappenWithin())
			suite.Evidence("%s backlog %d: after one accept(), waiting client %d completed in %v", f.Name, b, want+1, time.Since(start).Round(time.Millisecond))
		},
		Label("slow"),
		suite.Families(),
	)
})
