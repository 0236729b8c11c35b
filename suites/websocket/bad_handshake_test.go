package websocket

import (
	"errors"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
	"sockspec/helpers/wsproto"
)

// Only the RFC's MUSTs are asserted here, never a particular library's status code.
var _ = Describe("a request that is not a valid opening handshake is not upgraded", suite.Checks("ws.over-tcp"), func() {
	// §4.2.2 and §4.4: a version the server does not speak MUST get an HTTP error and a
	// Sec-WebSocket-Version header with the versions it does speak.
	It("a wrong Sec-WebSocket-Version gets an HTTP error naming version 13", func() {
		a := startApp(sock.IPv4, false)
		c := dial(sock.IPv4, a.Addr)
		resp := c.request(wsproto.Upgrade(a.Addr.String(), "/ws", wsproto.NewKey()).Set("Sec-WebSocket-Version", "8"))
		Expect(resp.Status).To(BeNumerically(">=", 400), "an HTTP error status, not %d:\n%s", resp.Status, resp.Raw)
		Expect(resp.Get("Sec-WebSocket-Accept")).To(BeEmpty())
		Expect(resp.Values("Sec-WebSocket-Version")).To(ContainElement("13"), "the versions the server speaks:\n%s", resp.Raw)
		suite.Evidence("Sec-WebSocket-Version: 8 → %d %s with Sec-WebSocket-Version: %v", resp.Status, resp.Reason, resp.Values("Sec-WebSocket-Version"))
	})

	// §4.2.1: a handshake without Sec-WebSocket-Key MUST get an HTTP error, not 101.
	It("a request with no Sec-WebSocket-Key gets an HTTP error", func() {
		a := startApp(sock.IPv4, false)
		c := dial(sock.IPv4, a.Addr)
		resp := c.request(wsproto.Upgrade(a.Addr.String(), "/ws", "").Del("Sec-WebSocket-Key"))
		Expect(resp.Status).To(BeNumerically(">=", 400), "an HTTP error status, not %d:\n%s", resp.Status, resp.Raw)
		Expect(resp.Get("Sec-WebSocket-Accept")).To(BeEmpty())
		suite.Evidence("no Sec-WebSocket-Key → %d %s", resp.Status, resp.Reason)
	})

	// §5.1: "The server MUST close the connection upon receiving a frame that is not masked"
	// (it MAY send close 1002 first). It must not echo the message.
	It("an unmasked client frame makes the server close the connection", func() {
		a := startApp(sock.IPv4, false)
		c := dial(sock.IPv4, a.Addr)
		c.upgrade(a.Addr.String(), "/ws")
		c.send(wsproto.Text("not masked", false).Bytes())
		f, err := wsproto.ReadFrame(c.br)
		seen := "no close frame"
		if err == nil {
			Expect(f.Opcode).To(Equal(wsproto.OpClose), "the server answered an unmasked frame with %v", f)
			seen = f.String()
			c.expectEOF()
		} else {
			Expect(errors.Is(err, io.EOF)).To(BeTrue(), "expected the server to close the connection, got %v", err)
		}
		_, open := c.serverSide()
		Expect(open).To(BeFalse(), "the server's socket for this connection is closed")
		suite.Evidence("unmasked text frame → %s, then the server closed the connection", seen)
	})
})
