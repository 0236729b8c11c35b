package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// connectClients connects n clients to the listener l, one after the other, each completed
// before the next starts (so their arrival order is known); none is accepted.
func connectClients(f sock.Family, l *sock.Socket, n int) []*sock.Socket {
	GinkgoHelper()
	var clients []*sock.Socket
	for i := range n {
		c := sock.Dial(f, l.Local())
		Expect(c).To(CompleteWithin(suite.MustHappenWithin()), "client %d of %d to %s", i+1, n, l)
		clients = append(clients, c)
	}
	return clients
}
