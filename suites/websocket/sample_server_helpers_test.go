package websocket

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/fixtures/lib/wsserver"
	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// app is the sample server, running in this process on a listener the spec made itself.
type app struct {
	*wsserver.Server
	Addr  netip.AddrPort
	Roots *x509.CertPool // what a wss client trusts; nil for plain ws
}

// startApp makes the listener with socket(), bind(loopback, port 0), listen() and serves
// the sample application on it, over TLS when secure. DeferCleanup stops it and waits
// until its every connection is closed.
func startApp(f sock.Family, secure bool) *app {
	GinkgoHelper()
	l := sock.Listener(f, 8)
	a := &app{Addr: l.Local()}
	ln := l.NetListener()
	var conf *tls.Config // nil: plain TCP
	var err error
	if secure {
		conf, a.Roots, err = wsserver.SelfSigned()
		Expect(err).NotTo(HaveOccurred(), "making the server's certificate")
	}
	a.Server = wsserver.Start(ln, conf, log.New(GinkgoWriter, "sample server: ", 0))
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), suite.MustHappenWithin())
		defer cancel()
		Expect(a.Close(ctx)).To(Succeed(), "stopping the sample server on %s", a.Addr)
	})
	return a
}

// eventsOf waits, with a short bounded poll, until the server's log of the connection
// whose client is c shows want, and returns the events. The handler logs the close status
// after it closed the socket, so the client may see the end of stream first.
func (a *app) eventsOf(c *client, want ...string) []wsserver.Event {
	GinkgoHelper()
	peer := c.s.Local().String()
	var events []wsserver.Event
	Eventually(func() []string {
		events = a.EventsOf(peer)
		return steps(events)
	}).WithTimeout(suite.MustHappenWithin()).WithPolling(time.Millisecond).Should(Equal(want),
		"the server's log of the connection from %s", peer)
	return events
}

// logged is a step of the server's log with the socket it happened on: the descriptor, and
// what the kernel said of it at that step, its 4-tuple and its inode, so "the same socket"
// means the same connection, not a reused number. The 4-tuple is what identifies it on
// every OS: macOS and FreeBSD give TCP sockets inode 0.
type logged struct {
	Step  string
	FD    int
	Tuple string
	Ino   uint64
}

// on lists steps that happened on the server's socket e, as the descriptor table showed it.
func on(e fdtable.Entry, steps ...string) []logged {
	GinkgoHelper()
	Expect(e.Local).NotTo(BeEmpty(), "the server socket's address, from the table: %v", e)
	Expect(e.Peer).NotTo(BeEmpty(), "the server socket's peer, from the table: %v", e)
	out := make([]logged, len(steps))
	for i, s := range steps {
		out[i] = logged{s, e.FD, e.Local + " ↔ " + e.Peer, e.Ino}
	}
	return out
}

// untilClose is the log up to and including the server's close(2) of the socket; the
// library reports the close status after that, when the descriptor may be gone.
func untilClose(events []wsserver.Event) []logged {
	var out []logged
	for _, e := range events {
		out = append(out, logged{e.Step, e.FD, e.Tuple, e.Ino})
		if e.Step == "close(2)" {
			break
		}
	}
	return out
}

func steps(events []wsserver.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Step
	}
	return out
}

// children lists the server's accepted sockets on its port, and the listener itself, from
// this process's descriptor table (the server runs in this process).
func (a *app) children() (listener fdtable.Entry, children []fdtable.Entry) {
	GinkgoHelper()
	table, err := fdtable.Self()
	Expect(err).NotTo(HaveOccurred())
	var listeners []fdtable.Entry
	for _, e := range table {
		switch {
		case e.Kind != fdtable.Socket || e.Local != a.Addr.String():
		case e.Listening:
			listeners = append(listeners, e)
		default:
			children = append(children, e)
		}
	}
	Expect(listeners).To(HaveLen(1), "listening sockets on %s in the table:\n%s", a.Addr, fdtable.Format(table))
	return listeners[0], children
}
