package websocket

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/fixtures/lib/wsserver"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
	"sockspec/helpers/wsproto"
)

// The tutorial's reason ("a protocol separate from HTTP") is corrected by the catalog: the
// port is shared because the opening handshake is itself an HTTP GET, which the server's
// HTTP router dispatches like any other request.
var _ = Describe("one port takes HTTP requests and WebSocket requests", suite.Checks("ws.shared-port"), func() {
	DescribeTable("a plain GET gets 200 and an upgrade gets 101 at once, on two children of the one listener",
		func(f sock.Family) {
			a := startApp(f, false)
			host := a.Addr.String()
			web, ws := dial(f, a.Addr), dial(f, a.Addr)

			// Both requests are out before either answer is read: the connections are open together.
			key := wsproto.NewKey()
			web.send(wsproto.Get(host, "/").Bytes())
			ws.send(wsproto.Upgrade(host, "/ws", key).Bytes())
			page, err := wsproto.ReadResponse(web.br)
			Expect(err).NotTo(HaveOccurred())
			Expect(page.Status).To(Equal(200), "GET / on %s:\n%s", host, page.Raw)
			Expect(string(page.Body)).To(Equal(wsserver.Page))
			up, err := wsproto.ReadResponse(ws.br)
			Expect(err).NotTo(HaveOccurred())
			Expect(up.Status).To(Equal(101), "GET /ws with Upgrade on %s:\n%s", host, up.Raw)
			Expect(up.Get("Sec-WebSocket-Accept")).To(Equal(wsproto.AcceptKey(key)))

			// The descriptor table: one listener on the port, and exactly these two children on it.
			listener, children := a.children()
			peers := map[string]int{}
			for _, e := range children {
				peers[e.Peer] = e.FD
			}
			Expect(peers).To(HaveLen(2), "accepted sockets on %s", host)
			Expect(peers).To(HaveKey(web.s.Local().String()), "the HTTP client's connection")
			Expect(peers).To(HaveKey(ws.s.Local().String()), "the WebSocket client's connection")

			// Both stay usable side by side: another page on the same keep-alive connection, an echo.
			again := web.request(wsproto.Get(host, "/"))
			Expect(again.Status).To(Equal(200))
			ws.echo("while the HTTP connection is open")
			logs := append(a.eventsOf(web, "accept", "GET / → 200", "GET / → 200"), a.eventsOf(ws, "accept", "upgrade → 101", "echo")...)
			Expect(logs).To(HaveEach(HaveField("Local", host)), "the server's log: every step of both connections on the listener's address")

			suite.Evidence("%s: listener %s (fd %d); GET / → %d %s on child fd %d (peer %s), GET /ws → %d %s on child fd %d (peer %s); "+
				"both children have local port %d, open at once; the upgrade was routed by the HTTP server's mux like any GET",
				f.Name, host, listener.FD, page.Status, page.Reason, peers[web.s.Local().String()], web.s.Local(),
				up.Status, up.Reason, peers[ws.s.Local().String()], ws.s.Local(), a.Addr.Port())
		},
		suite.Families(),
	)
})

// control: a WebSocket path that the server does not route is not upgraded: the port is
// shared by routing HTTP requests, not by sniffing a different protocol.
var _ = Describe("one port takes HTTP requests and WebSocket requests: routing", suite.Checks("ws.shared-port"), func() {
	It("an upgrade request for a path with no WebSocket handler gets the HTTP router's 404, not 101", func() {
		a := startApp(sock.IPv4, false)
		c := dial(sock.IPv4, a.Addr)
		resp := c.request(wsproto.Upgrade(a.Addr.String(), "/no-such-path", wsproto.NewKey()))
		Expect(resp.Status).To(Equal(404), "%s", resp.Raw)
		Expect(resp.Get("Sec-WebSocket-Accept")).To(BeEmpty())
		suite.Evidence("GET /no-such-path with Upgrade on %s → %s", a.Addr, fmt.Sprint(resp.Status, " ", resp.Reason))
	})
})
