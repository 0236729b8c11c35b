package websocket

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
	"sockspec/helpers/wsproto"
)

var _ = Describe("WebSocket runs over TCP (ws)", suite.Checks("ws.over-tcp"), func() {
	DescribeTable("the upgrade, the frames and the close travel on one TCP connection, one accepted descriptor from start to close",
		func(f sock.Family) {
			a := startApp(f, false)
			c := dial(f, a.Addr)
			tuple := c.endpoints()

			key := c.upgrade(a.Addr.String(), "/ws")
			Expect(c.endpoints()).To(Equal(tuple), "the client's socket after the 101")
			server, ok := c.serverSide()
			Expect(ok).To(BeTrue(), "no server socket for %s in the descriptor table", tuple)

			c.echo("안녕, socket")
			c.echo("second message, same connection")
			Expect(c.endpoints()).To(Equal(tuple), "the client's socket after the echoes")
			reply := c.closeSession(wsproto.CloseNormal)
			Expect(reply.CloseCode()).To(Equal(wsproto.CloseNormal), "the server's close frame echoes the status code")
			Expect(c.endpoints()).To(Equal(tuple), "the client's socket after the close handshake")

			// The server's log of this connection: every step on the descriptor the table showed,
			// up to its close(2); the library reports the close status after that.
			events := a.eventsOf(c, "accept", "upgrade → 101", "echo", "echo", "close(2)", "close 1000")
			Expect(untilClose(events)).To(Equal(on(server, "accept", "upgrade → 101", "echo", "echo", "close(2)")),
				"every step up to close(2) on the server socket the table showed (fd %d, %s ↔ %s, inode %d)", server.FD, server.Local, server.Peer, server.Ino)
			_, stillOpen := c.serverSide()
			Expect(stillOpen).To(BeFalse(), "the server closed its end after the close handshake")

			suite.Evidence("%s: one TCP connection %s from the GET to the close; key %s → Sec-WebSocket-Accept %s; "+
				"server fd %d (inode %d) at %s; echoes unmasked; close %d answered with close %d, then end of stream",
				f.Name, tuple, key, wsproto.AcceptKey(key), server.FD, server.Ino, strings.Join(steps(events), ", "),
				wsproto.CloseNormal, reply.CloseCode())
		},
		suite.Families(),
	)
})
