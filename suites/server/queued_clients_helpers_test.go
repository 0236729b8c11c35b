package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// connectClients connects n clients to the listener l, one after the other, each completed
// and queued at the listener before the next starts (so their arrival order is known);
// none is accepted. A client's connect() completing is not enough: gVisor may queue the
// server's side of a handshake after a later client's (sock.Arrivals). It relies on the
// kernel completing handshakes before accept() (listen.passive): use it where the claim
// is about queued connections.
func connectClients(f sock.Family, l *sock.Socket, n int) []*sock.Socket {
	GinkgoHelper()
	arrivals := l.Arrivals()
	var clients []*sock.Socket
	for i := range n {
		c := sock.Dial(f, l.Local())
		Expect(c).To(CompleteWithin(suite.MustHappenWithin()), "client %d of %d to %s", i+1, n, l)
		Expect(arrivals.Await(suite.MustHappenWithin())).To(BeTrue(), "client %d of %d: its connection queued at %s", i+1, n, l)
		clients = append(clients, c)
	}
	return clients
}

// dialClients starts connecting n clients to l and waits for none of them.
func dialClients(f sock.Family, l *sock.Socket, n int) []*sock.Socket {
	GinkgoHelper()
	clients := make([]*sock.Socket, n)
	for i := range clients {
		clients[i] = sock.Dial(f, l.Local())
	}
	return clients
}

// expectConnected checks that every client's connect completed.
func expectConnected(clients []*sock.Socket) {
	GinkgoHelper()
	for i, c := range clients {
		Expect(c).To(CompleteWithin(suite.MustHappenWithin()), "client %d of %d", i+1, len(clients))
	}
}

// acceptClients connects n clients to l and accepts them, in whatever order accept() gives
// them (accept.dequeues checks the order), and assumes nothing about when the handshakes
// complete: for claims about the accepted children.
func acceptClients(f sock.Family, l *sock.Socket, n int) (clients, children []*sock.Socket) {
	GinkgoHelper()
	clients = dialClients(f, l, n)
	for range n {
		children = append(children, l.AcceptWithin(suite.MustHappenWithin()))
	}
	expectConnected(clients)
	return clients, children
}
