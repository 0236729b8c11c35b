package websocket

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/fdtable"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
	"sockspec/helpers/wsproto"
)

// client is the spec's side of a connection: a raw socket, and the protocol written on it
// byte by byte (inside TLS for wss). tap keeps every byte that crossed the socket.
type client struct {
	s   *sock.Socket
	tap *tap
	tls *tls.Conn // nil for plain ws and HTTP
	rw  io.ReadWriter
	br  *bufio.Reader
}

// dial connects a raw socket to the server: socket(), connect(), nothing else.
func dial(f sock.Family, to netip.AddrPort) *client {
	GinkgoHelper()
	within := suite.MustHappenWithin()
	s := sock.Dial(f, to)
	Expect(s).To(CompleteWithin(within))
	t := &tap{Conn: s.NetConn(within)}
	return &client{s: s, tap: t, rw: t, br: bufio.NewReader(t)}
}

// dialTLS connects and runs the TLS handshake on the raw socket, trusting roots only.
func dialTLS(f sock.Family, to netip.AddrPort, roots *x509.CertPool) *client {
	GinkgoHelper()
	c := dial(f, to)
	c.tls = tls.Client(c.tap, &tls.Config{RootCAs: roots, ServerName: to.Addr().String()})
	ctx, cancel := context.WithTimeout(context.Background(), suite.MustHappenWithin())
	defer cancel()
	Expect(c.tls.HandshakeContext(ctx)).To(Succeed(), "TLS handshake with %s", to)
	c.rw, c.br = c.tls, bufio.NewReader(c.tls)
	return c
}

func (c *client) send(p []byte) {
	GinkgoHelper()
	n, err := c.rw.Write(p)
	Expect(err).NotTo(HaveOccurred(), "sending %d bytes on %s", len(p), c.s)
	Expect(n).To(Equal(len(p)))
}

// request sends an HTTP/1.1 request and reads the response.
func (c *client) request(r *wsproto.Request) *wsproto.Response {
	GinkgoHelper()
	c.send(r.Bytes())
	resp, err := wsproto.ReadResponse(c.br)
	Expect(err).NotTo(HaveOccurred(), "reading the response to\n%s", r.Bytes())
	return resp
}

// upgrade runs the opening handshake on path and checks the server's answer against
// RFC 6455 §4.1: 101, Upgrade: websocket, Connection: Upgrade, and the accept key.
func (c *client) upgrade(host, path string) (key string) {
	GinkgoHelper()
	key = wsproto.NewKey()
	resp := c.request(wsproto.Upgrade(host, path, key))
	Expect(resp.Status).To(Equal(101), "the server must switch protocols; it answered:\n%s", resp.Raw)
	Expect(strings.ToLower(resp.Get("Upgrade"))).To(Equal("websocket"), "the Upgrade header of the 101 (compared ignoring case):\n%s", resp.Raw)
	Expect(resp.HasToken("Connection", "Upgrade")).To(BeTrue(), "Connection header of the 101 must list Upgrade:\n%s", resp.Raw)
	Expect(resp.Get("Sec-WebSocket-Accept")).To(Equal(wsproto.AcceptKey(key)),
		"Sec-WebSocket-Accept must be base64(SHA-1(%q + %s))", key, wsproto.GUID)
	return key
}

// frame reads the next frame from the server.
func (c *client) frame() wsproto.Frame {
	GinkgoHelper()
	f, err := wsproto.ReadFrame(c.br)
	Expect(err).NotTo(HaveOccurred(), "reading a frame on %s", c.s)
	return f
}

// echo sends msg as a masked text frame and checks the server's unmasked echo.
func (c *client) echo(msg string) {
	GinkgoHelper()
	c.send(wsproto.Text(msg, true).Bytes())
	got := c.frame()
	Expect(got.Masked).To(BeFalse(), "a server must not mask its frames (RFC 6455 §5.1): %v", got)
	Expect(got.Opcode).To(Equal(wsproto.OpText), "%v", got)
	Expect(string(got.Payload)).To(Equal(msg))
}

// closeSession sends a close frame with code and expects the server's close frame back
// (§5.5.1), then the end of the TCP stream: the server closes the connection (§7.1.1).
func (c *client) closeSession(code uint16) wsproto.Frame {
	GinkgoHelper()
	c.send(wsproto.Close(code, "done", true).Bytes())
	reply := c.frame()
	Expect(reply.Opcode).To(Equal(wsproto.OpClose), "the answer to a close frame: %v", reply)
	Expect(reply.Masked).To(BeFalse(), "%v", reply)
	c.expectEOF()
	return reply
}

// expectEOF reads until the server has closed the connection: nothing but the end.
func (c *client) expectEOF() {
	GinkgoHelper()
	b, err := c.br.ReadByte()
	if err == nil {
		Fail(fmt.Sprintf("expected the server to close the connection, but it sent byte %#02x", b))
	}
	Expect(errors.Is(err, io.EOF)).To(BeTrue(), "expected end of stream from the server, got %v", err)
}

// endpoints is the connection's 4-tuple as the client's socket reports it.
func (c *client) endpoints() string {
	GinkgoHelper()
	peer, err := c.s.Peer()
	Expect(err).To(SucceedSyscall())
	return fmt.Sprintf("%s ↔ %s", c.s.Local(), peer)
}

// serverSide finds the server's socket for this connection in the descriptor table: the
// one whose local address is the client's peer and whose peer is the client.
func (c *client) serverSide() (fdtable.Entry, bool) {
	GinkgoHelper()
	table, err := fdtable.Self()
	Expect(err).NotTo(HaveOccurred())
	peer, err := c.s.Peer()
	Expect(err).To(SucceedSyscall())
	var found []fdtable.Entry
	for _, e := range table {
		if e.Kind == fdtable.Socket && e.Local == peer.String() && e.Peer == c.s.Local().String() {
			found = append(found, e)
		}
	}
	Expect(len(found)).To(BeNumerically("<=", 1), "two server sockets for one connection:\n%s", fdtable.Format(found))
	if len(found) == 0 {
		return fdtable.Entry{}, false
	}
	return found[0], true
}

// tap records what crossed the socket, for specs about the bytes on the wire.
type tap struct {
	net.Conn
	mu        sync.Mutex
	sent, got []byte
}

func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.mu.Lock()
	t.got = append(t.got, p[:n]...)
	t.mu.Unlock()
	return n, err
}

func (t *tap) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.mu.Lock()
	t.sent = append(t.sent, p[:n]...)
	t.mu.Unlock()
	return n, err
}

func (t *tap) wire() (sent, got []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.sent...), append([]byte(nil), t.got...)
}
