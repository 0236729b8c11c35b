package wsecho

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/wsproto"
)

// session is one client connection of a check: a raw socket of the grader's, with HTTP and
// then WebSocket written on it byte by byte.
type session struct {
	c    *grade.Ctx
	inst *grade.Instance
	who  string // "the client", "client 3 of 10"
	conn *client.Conn
	br   *bufio.Reader
	key  string // the Sec-WebSocket-Key of its upgrade request
	asm  wsproto.Assembler
	last wsproto.Frame // the last frame read
	// deadline, when set, ends every wait of this session (clients that wait together);
	// otherwise each wait gets the check's `within`.
	deadline time.Time
}

// dial connects a new client named who to the target.
func dial(c *grade.Ctx, inst *grade.Instance, who string) (*session, error) {
	conn, err := c.Connect(inst, who)
	if err != nil {
		return nil, err
	}
	return &session{c: c, inst: inst, who: who, conn: conn, br: bufio.NewReader(conn)}, nil
}

// fresh starts a fresh target, waits until it listens and connects one client to it.
func fresh(c *grade.Ctx, who string) (*session, error) {
	inst, _, err := c.Ready()
	if err != nil {
		return nil, err
	}
	return dial(c, inst, who)
}

// opened starts a fresh target and opens one WebSocket session with it: any 101 will do,
// since only the handshake check judges its headers.
func opened(c *grade.Ctx, who string) (*session, error) {
	s, err := fresh(c, who)
	if err != nil {
		return nil, err
	}
	if _, err := s.upgrade(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *session) within() time.Duration { return s.c.Duration("within") }

// arm sets the deadline of the next wait.
func (s *session) arm() {
	d := s.deadline
	if d.IsZero() {
		d = time.Now().Add(s.within())
	}
	s.conn.SetDeadline(d)
}

// send writes data, named what in the feedback.
func (s *session) send(what string, data []byte) error {
	s.arm()
	if _, err := s.conn.Write(data); err != nil {
		if errors.Is(err, client.ErrTimeout) {
			return grade.Failf("%s could not send %s within %s: your server read nothing, so the connection's buffers filled up.", s.who, what, s.within())
		}
		return s.lost("while "+s.who+" was sending "+what, err)
	}
	return nil
}

// sendFrames writes frames, each in its own write().
func (s *session) sendFrames(what string, frames ...wsproto.Frame) error {
	for _, f := range frames {
		if err := s.send(what, f.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// lost is the failure of a connection that ended or failed under a client: how the server
// ended, if it did, or what the kernel said.
func (s *session) lost(when string, err error) error {
	if dead := s.c.DiedAfterTrouble(s.inst, when); dead != nil {
		return dead
	}
	switch {
	case errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.EPIPE):
		return grade.Failf("%s, the connection was reset (%s): your server closed it, or closed it with data unread.", when, client.Describe(err))
	case errors.Is(err, io.EOF):
		return grade.Failf("%s, your server closed the connection.", when)
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return grade.Failf("%s, %s.", when, client.Describe(err))
	}
	return err
}

// host is the Host header the client sends.
func (s *session) host() string { return s.c.Loopback().String() }

// response reads an HTTP response; what names it: "the answer to GET /".
func (s *session) response(what string) (*wsproto.Response, error) {
	s.arm()
	r, err := wsproto.ReadResponse(s.br)
	if err != nil {
		return nil, s.waitFailure(what, err, nil)
	}
	return r, nil
}

// waitFailure says why what did not come: nothing in time, the connection ended, or what
// came is not what the protocol allows.
func (s *session) waitFailure(what string, err error, f *wsproto.Frame) error {
	if dead := s.c.DiedAfterTrouble(s.inst, "while "+s.who+" waited for "+what); dead != nil {
		return dead
	}
	var pe *wsproto.ProtocolError
	switch {
	case errors.As(err, &pe):
		return grade.Failf("%s waited for %s and got a frame RFC 6455 forbids: %s.", s.who, what, pe).WithHint("%s", ruleHint(pe))
	case errors.Is(err, client.ErrTimeout):
		return grade.Failf("%s waited %s for %s; nothing %s.", s.who, s.within(), what, partly(f))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return grade.Failf("%s waited for %s, but your server closed the connection in the middle of it%s.", s.who, what, header(f))
	case errors.Is(err, io.EOF):
		return grade.Failf("%s waited for %s, but your server closed the connection.", s.who, what)
	case errors.Is(err, unix.ECONNRESET):
		return grade.Failf("%s waited for %s, but the connection was reset (ECONNRESET): your server closed it with data unread, or crashed.", s.who, what)
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return grade.Failf("%s waited for %s: %s.", s.who, what, client.Describe(err))
	}
	if f == nil {
		return grade.Failf("%s waited for %s, but what came is not an HTTP/1.1 response: %v.", s.who, what, err)
	}
	return grade.Failf("%s waited for %s, but what came is not a WebSocket frame it can read: %v%s.", s.who, what, err, header(f))
}

// partly says what came of a frame before time ran out: "came" or "came but a frame's
// first 2 bytes".
func partly(f *wsproto.Frame) string {
	if f == nil || len(f.Header) == 0 {
		return "came"
	}
	return fmt.Sprintf("came but the first %d bytes of a frame (%s)", len(f.Header), wsproto.HexBytes(f.Header))
}

func header(f *wsproto.Frame) string {
	if f == nil || len(f.Header) == 0 {
		return ""
	}
	return fmt.Sprintf(" (the frame began %s)", wsproto.HexBytes(f.Header))
}

// ruleHint says how to keep the rule a frame broke.
func ruleHint(pe *wsproto.ProtocolError) string {
	switch {
	case pe.Section == "§5.1":
		return "Only the client masks (RFC 6455 §5.1): send your frames with the MASK bit (0x80 of the second byte) clear and no masking key; unmask what the client sends."
	case strings.Contains(pe.Rule, "length"):
		return "Encode the payload length in the fewest bytes: 0–125 in the second byte, 126–65535 as 126 and 16 bits, larger as 127 and 64 bits, all in network byte order."
	case strings.Contains(pe.Rule, "reserved"):
		return "The first byte of a frame is FIN (0x80) | opcode; the three bits between them stay 0 without an extension, and opcodes are 0x0–0x2 and 0x8–0xA."
	case pe.Section == "§5.4", pe.Section == "§8.1":
		return fragmentsHint
	case pe.Section == "§5.5":
		return "Control frames (close, ping, pong) have FIN set and carry at most 125 bytes."
	}
	return "A client that meets such a frame must close the connection (RFC 6455 §7.1.7)."
}

const fragmentsHint = "A message is one frame with FIN set, or a first frame (text or binary) with FIN clear followed by continuation frames (opcode 0x0) up to one with FIN set: keep their payloads and echo them together as one message with the first frame's opcode. A text message is UTF-8 as a whole; a character may be split between frames."

// frame reads the next frame the server sends, held to every rule of RFC 6455 a server's
// frame must keep; what names what the client waits for.
func (s *session) frame(what string) (wsproto.Frame, error) {
	s.arm()
	f, err := wsproto.ReadFrame(s.br)
	s.last = f
	if err == nil {
		err = wsproto.CheckServerFrame(f)
	}
	if err != nil {
		return f, s.waitFailure(what, err, &f)
	}
	return f, nil
}

// message reads frames until a whole data message: pings from the server are answered,
// unsolicited pongs skipped (both allowed at any time, §5.5.2, §5.5.3); a close frame
// instead is a failure.
func (s *session) message(what string) (*wsproto.Message, error) {
	for {
		f, err := s.frame(what)
		if err != nil {
			return nil, err
		}
		switch f.Opcode {
		case wsproto.OpPing:
			if err := s.send("a pong for your server's ping", wsproto.Pong(f.Payload, true).Bytes()); err != nil {
				return nil, err
			}
			continue
		case wsproto.OpPong:
			continue
		case wsproto.OpClose:
			return nil, closedInstead(s.who, what, f)
		}
		m, err := s.asm.Add(f)
		if err != nil {
			return nil, s.waitFailure(what, err, &f)
		}
		if m != nil {
			return m, nil
		}
	}
}

// closedInstead is the failure of a close frame that came where something else should.
func closedInstead(who, what string, f wsproto.Frame) *grade.Failure {
	fail := grade.Failf("%s waited for %s, but your server sent a close frame (%s).", who, what, closeStatus(f))
	switch f.CloseCode() {
	case wsproto.CloseProtocolError, wsproto.CloseInvalidData:
		fail.WithHint("Your server took the grader's frames for a protocol error. Client frames are masked: unmask each payload with its 4-byte key (byte i XOR key[i %% 4]) before you read it.")
	}
	return fail
}

// closeStatus is "status 1000 "bye"" or "no status code".
func closeStatus(f wsproto.Frame) string {
	if len(f.Payload) < 2 {
		return "no status code"
	}
	if len(f.Payload) == 2 {
		return fmt.Sprintf("status %d", f.CloseCode())
	}
	return fmt.Sprintf("status %d %q", f.CloseCode(), f.Payload[2:])
}

// upgradeLine is how the feedback names the opening handshake the grader sends.
const upgradeLine = "GET /ws with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13"

// upgrade sends the opening handshake to Path with a fresh key and reads the answer, which
// must be 101 Switching Protocols; its headers are the handshake check's to judge.
func (s *session) upgrade() (*wsproto.Response, error) {
	s.key = wsproto.NewKey()
	if err := s.send("its upgrade request", wsproto.Upgrade(s.host(), Path, s.key).Bytes()); err != nil {
		return nil, err
	}
	r, err := s.response("the answer to its upgrade request")
	if err != nil {
		return nil, err
	}
	if r.Status != 101 {
		return r, s.notSwitched(r)
	}
	return r, nil
}

// notSwitched is the failure of an upgrade that got no 101, with the hint the kernel's
// view supports: a server with another listening port serves WebSocket there.
func (s *session) notSwitched(r *wsproto.Response) *grade.Failure {
	f := grade.Failf("%s sent the upgrade request (%s, Sec-WebSocket-Key: %s) and got %q instead of 101 Switching Protocols.", s.who, upgradeLine, s.key, statusLine(r))
	if snap, err := s.c.Snapshot(); err == nil {
		var elsewhere []observe.Socket
		for _, l := range snap.Listeners() {
			if l.TCP.Local.Port() != s.c.Port {
				elsewhere = append(elsewhere, l)
			}
		}
		if len(elsewhere) > 0 {
			f.Saw += fmt.Sprintf(" Your server also listens on %s (%s).", elsewhere[0].TCP.Local, observe.Where(elsewhere))
			return f.WithHint("HTTP and WebSocket share one port: the opening handshake is itself an HTTP request (GET with Upgrade), so the server on PORT answers it and then speaks WebSocket on that same connection. Serve /ws on PORT, not on a port of its own.")
		}
	}
	return f.WithHint("Answer GET /ws carrying Upgrade: websocket with HTTP/1.1 101 Switching Protocols and the headers of RFC 6455 §4.2.2 (Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Accept), then speak WebSocket on that same connection.")
}

// aFrame is a frame with its article: "an unmasked text frame, 5 bytes "hello"".
func aFrame(f wsproto.Frame) string {
	s := f.String()
	if strings.HasPrefix(s, "unmasked") {
		return "an " + s
	}
	return "a " + s
}

// statusLine is the first line of a response as it came.
func statusLine(r *wsproto.Response) string {
	line, _, _ := strings.Cut(r.Raw, "\r\n")
	return strings.TrimRight(line, "\n")
}

// echo sends msg as one masked frame of opcode op and checks that the next message is its
// echo; what names the message: "its 126-byte text message".
func (s *session) echo(what string, op byte, msg []byte) error {
	if err := s.send(what, wsproto.NewFrame(op, msg, true).Bytes()); err != nil {
		return err
	}
	return s.expectEcho(what, op, msg)
}

// expectEcho reads the next message and checks that it is msg, with opcode op.
func (s *session) expectEcho(what string, op byte, msg []byte) error {
	m, err := s.message("the echo of " + what)
	if err != nil {
		return err
	}
	return sameMessage(s.who, what, op, msg, m)
}

// sameMessage says how the echo m differs from msg, sent with opcode op, or nil.
func sameMessage(who, what string, op byte, msg []byte, m *wsproto.Message) error {
	if m.Opcode != op {
		return grade.Failf("%s sent %s and got back a %s message of %d bytes: an echo keeps the opcode (%s).", who, what, wsproto.OpName(m.Opcode), len(m.Payload), wsproto.OpName(op)).
			WithHint("Echo each message with the opcode it came with: text (0x1) as text, binary (0x2) as binary.")
	}
	if bytes.Equal(msg, m.Payload) {
		return nil
	}
	if i := grade.FirstDifference(msg, m.Payload); i < len(msg) && i < len(m.Payload) {
		return grade.Failf("%s sent %s; the %d bytes that came back differ from it at byte %d: sent %s, got %s.", who, what, len(m.Payload), i, grade.Excerpt(msg, i), grade.Excerpt(m.Payload, i))
	}
	return grade.Failf("%s sent %s (%d bytes) and got back a %s message of %d bytes: %s.", who, what, len(msg), wsproto.OpName(m.Opcode), len(m.Payload), wsproto.Excerpt(m.Payload, 40))
}

// text is n bytes of UTF-8 text, Korean in it: "hello 소켓 hello 소켓 ...".
func text(n int) []byte {
	const unit = "hello 소켓 " // 6 ASCII bytes, then two 3-byte characters and a space
	b := make([]byte, 0, n)
	for len(b)+len(unit) <= n {
		b = append(b, unit...)
	}
	for i := 0; len(b) < n; i++ {
		if i < 6 {
			b = append(b, unit[i])
		} else {
			b = append(b, '.')
		}
	}
	return b
}
