package wsecho

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var unmasked = grade.CheckDef{
	ID:    "unmasked",
	Title: "an unmasked client frame ends the connection",
	Expect: "After the handshake, the client sends a text frame without masking: your server closes the connection (it may " +
		"send a close frame with status 1002 first) and does not echo it (RFC 6455 §5.1).",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		if err := s.send("an unmasked text frame", wsproto.Text("unmasked, against RFC 6455 §5.1", false).Bytes()); err != nil {
			return err
		}
		hint := "A server must close the connection when a client frame is not masked (RFC 6455 §5.1): check the MASK bit (0x80 of the second byte), and when it is clear send a close frame with status 1002 and close the socket."
		what := "the end of the connection after its unmasked frame"
		var f wsproto.Frame
		for {
			s.arm()
			f, err = wsproto.ReadFrame(s.br)
			s.last = f
			if err != nil {
				if ended(err) {
					c.Note("the unmasked frame → your server closed the connection without a close frame")
					return nil
				}
				if errors.Is(err, client.ErrTimeout) && len(f.Header) == 0 {
					return grade.Failf("after the client's unmasked text frame, your server sent nothing and kept the connection open for %s.", s.within()).WithHint("%s", hint)
				}
				return s.waitFailure(what, err, &f)
			}
			if err := wsproto.CheckServerFrame(f); err != nil {
				return s.waitFailure(what, err, &f)
			}
			if f.Opcode != wsproto.OpPing && f.Opcode != wsproto.OpPong {
				break
			}
		}
		switch {
		case f.Opcode != wsproto.OpClose:
			return grade.Failf("after the client's unmasked text frame, your server sent %s: it took the frame as a message.", aFrame(f)).WithHint("%s", hint)
		case f.CloseCode() != wsproto.CloseProtocolError:
			return grade.Failf("after the client's unmasked text frame, your server sent a close frame with %s: failing a connection for a protocol error uses status 1002.", closeStatus(f)).WithHint("%s", hint)
		}
		// The client answers the close, as an endpoint must (§5.5.1), and waits for the end.
		s.send("its close frame answering your server's", wsproto.Close(wsproto.CloseProtocolError, "", true).Bytes())
		extra, err := s.conn.WaitEOF(s.within())
		if len(extra) > 0 {
			return grade.Failf("after its close frame (%s), your server sent %d more bytes: nothing may follow a close frame (RFC 6455 §5.5.1).", closeStatus(f), len(extra))
		}
		if err != nil {
			return grade.Failf("after the unmasked frame your server sent a close frame (%s) but kept the connection open for %s (%s).", closeStatus(f), s.within(), client.Describe(err)).WithHint("%s", hint)
		}
		c.Note("the unmasked frame → a close frame (%s), then your server closed the connection", closeStatus(f))
		return nil
	},
}

// ended says whether a read error is the connection's end: EOF or a reset.
func ended(err error) bool {
	return errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, unix.ECONNRESET)
}
