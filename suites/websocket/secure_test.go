package websocket

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/fixtures/lib/wsserver"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
	"sockspec/helpers/wsproto"
)

// recordHandshake is TLS's content type for handshake records: the first byte each side
// sends on a wss connection (RFC 8446 §5.1).
const recordHandshake byte = 0x16

// firstByte is the first byte that crossed the socket; an error if none did.
func firstByte(wire []byte) (byte, error) {
	if len(wire) == 0 {
		return 0, errors.New("no byte crossed the socket")
	}
	return wire[0], nil
}

var _ = Describe("wss is WebSocket inside TLS", suite.Checks("ws.secure"), func() {
	DescribeTable("the same handshake and echo run inside TLS on a TCP socket, and HTTPS shares the port",
		func(f sock.Family) {
			a := startApp(f, true)
			host := a.Addr.String()
			c := dialTLS(f, a.Addr, a.Roots)
			tuple := c.endpoints()
			state := c.tls.ConnectionState()

			key := c.upgrade(host, "/ws")
			server, ok := c.serverSide()
			Expect(ok).To(BeTrue(), "no server socket for %s in the descriptor table", tuple)
			msg := "secret over wss"
			c.echo(msg)
			reply := c.closeSession(wsproto.CloseNormal)
			Expect(reply.CloseCode()).To(Equal(wsproto.CloseNormal))
			Expect(c.endpoints()).To(Equal(tuple), "one TCP connection from the TLS handshake to the close")

			// On the socket itself: TLS records from the first byte, no WebSocket text in the clear.
			sent, got := c.tap.wire()
			Expect(sent).To(WithTransform(firstByte, Equal(recordHandshake)), "the client's first byte on the socket")
			Expect(got).To(WithTransform(firstByte, Equal(recordHandshake)), "the server's first byte on the socket")
			for _, clear := range []string{"websocket", "Sec-WebSocket", msg} {
				Expect(bytes.Contains(sent, []byte(clear)) || bytes.Contains(got, []byte(clear))).To(BeFalse(),
					"%q crossed the socket in the clear", clear)
			}
			events := a.eventsOf(c, "accept", "upgrade → 101", "echo", "close(2)", "close 1000")
			Expect(untilClose(events)).To(Equal(on(server, "accept", "upgrade → 101", "echo", "close(2)")),
				"every step up to close(2) on the server socket the table showed (fd %d, %s ↔ %s, inode %d)", server.FD, server.Local, server.Peer, server.Ino)

			// HTTPS on the same port: a plain page over TLS.
			web := dialTLS(f, a.Addr, a.Roots)
			page := web.request(wsproto.Get(host, "/"))
			Expect(page.Status).To(Equal(200))
			Expect(string(page.Body)).To(Equal(wsserver.Page))

			suite.Evidence("%s: %s (%s) on %s, certificate made in memory for %s; first byte %#x both ways; "+
				"key %s → Sec-WebSocket-Accept %s inside TLS; echo and close 1000 on the one connection %s (server fd %d); "+
				"%d bytes sent and %d received on the socket, none of them \"websocket\" in the clear; HTTPS GET / → %d on the same port",
				f.Name, tls.VersionName(state.Version), tls.CipherSuiteName(state.CipherSuite), host, a.Addr.Addr(), recordHandshake,
				key, wsproto.AcceptKey(key), tuple, server.FD, len(sent), len(got), page.Status)
		},
		suite.Families(),
	)

	// control: the TLS port does not speak plain ws, so the specs above did go through TLS.
	It("a plain-text upgrade request to the TLS port is not upgraded", func() {
		a := startApp(sock.IPv4, true)
		c := dial(sock.IPv4, a.Addr)
		c.send(wsproto.Upgrade(a.Addr.String(), "/ws", wsproto.NewKey()).Bytes())
		resp, err := wsproto.ReadResponse(c.br)
		if err == nil {
			Expect(resp.Status).NotTo(Equal(101), "a TLS server upgraded a request sent without TLS:\n%s", resp.Raw)
			suite.Evidence("plain GET /ws with Upgrade to the TLS port %s → %s %d %s", a.Addr, resp.Proto, resp.Status, resp.Reason)
		} else {
			// No HTTP answer at all is fine too, if the server hung up; waiting in silence is not.
			Expect(errors.Is(err, io.EOF) || errors.Is(err, unix.ECONNRESET)).To(BeTrue(),
				"the TLS server neither answered nor closed the connection: %v", err)
			suite.Evidence("plain GET /ws with Upgrade to the TLS port %s → no HTTP response (%v)", a.Addr, err)
		}
	})
})
