package server

import (
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// fillQueue connects clients to l, one at a time and none accepted, until one does not
// complete within the in-progress window (or want+1 completed). It returns the completed
// clients and the one left waiting.
func fillQueue(f sock.Family, l *sock.Socket, want int) (completed []*sock.Socket, waiting *sock.Socket) {
	GinkgoHelper()
	for len(completed) <= want {
		c := sock.Dial(f, l.Local())
		done, err := sock.AwaitConnect(c.Num, suite.InProgressWindow())
		Expect(err).NotTo(HaveOccurred(), "connect of client %d to %s", len(completed)+1, l)
		if !done {
			return completed, c
		}
		completed = append(completed, c)
	}
	return completed, nil
}

// expectation reads the catalog's rule and count for backlog b on this OS.
func expectation(b int) (rule string, want int) {
	GinkgoHelper()
	var beyond string
	suite.Expected("beyond_limit", &beyond)
	if beyond != "stays-in-progress" {
		Skip(fmt.Sprintf("on %s the catalog says a client beyond the limit %s; these specs check one that stays in progress", runtime.GOOS, beyond))
	}
	var counts map[int]int
	suite.Expected("rule", &rule)
	suite.Expected("completed_before_accept", &counts)
	want, ok := counts[b]
	Expect(ok).To(BeTrue(), "fixtures/claims.yaml gives no completed_before_accept for backlog %d on %s", b, runtime.GOOS)
	return rule, want
}

var _ = Describe("listen() queues finished handshakes in a bounded queue", suite.Claim("listen.backlog"), func() {
	DescribeTable("with backlog b, a fixed number of clients complete before any accept(); the next one waits",
		func(f sock.Family, b int) {
			rule, want := expectation(b)
			l := sock.Listener(f, b)
			completed, waiting := fillQueue(f, l, want)
			Expect(len(completed)).To(Equal(want), "clients completed before accept with backlog %d (%s: %s)", b, runtime.GOOS, rule)
			Expect(waiting).NotTo(BeNil(), "client %d should wait: the queue holds %d", want+1, want)
			suite.Evidence("%s backlog %d: %d completed, client %d still in progress after %v (%s rule: %s)", f.Name, b, len(completed), want+1, suite.InProgressWindow(), runtime.GOOS, rule)
		},
		Entry("IPv4, backlog 0", sock.IPv4, 0),
		Entry("IPv4, backlog 1", sock.IPv4, 1),
		Entry("IPv4, backlog 4", sock.IPv4, 4),
		Entry("IPv4, backlog 16", sock.IPv4, 16),
		Entry("IPv6, backlog 0", sock.IPv6, 0),
		Entry("IPv6, backlog 1", sock.IPv6, 1),
		Entry("IPv6, backlog 4", sock.IPv6, 4),
		Entry("IPv6, backlog 16", sock.IPv6, 16),
	)

	// Slow: the waiting client's SYN was dropped, so it completes at its next retransmission
	// (1 s on Linux), once accept() has made room.
	DescribeTable("one accept() frees a place and the waiting client completes",
		func(f sock.Family) {
			const b = 1
			_, want := expectation(b)
			l := sock.Listener(f, b)
			completed, waiting := fillQueue(f, l, want)
			Expect(len(completed)).To(Equal(want))
			Expect(waiting).NotTo(BeNil())
			start := time.Now()
			l.AcceptWithin(suite.CompleteWithin())
			done, err := sock.AwaitConnect(waiting.Num, suite.CompleteWithin())
			Expect(err).NotTo(HaveOccurred())
			Expect(done).To(BeTrue(), "the waiting client did not complete within %v of one accept()", suite.CompleteWithin())
			suite.Evidence("%s backlog %d: after one accept(), waiting client %d completed in %v", f.Name, b, want+1, time.Since(start).Round(time.Millisecond))
		},
		Label("slow"),
		suite.Families(),
	)
})
