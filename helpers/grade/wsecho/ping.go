package wsecho

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var ping = grade.CheckDef{
	ID:    "ping",
	Title: "ping is answered with pong",
	Expect: "After the handshake, the client sends a masked ping with a payload and then a text message: a pong with the same " +
		"payload comes back before the text message's echo (RFC 6455 §5.5.2).",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		nonce := make([]byte, 6)
		rand.Read(nonce)
		payload := []byte("ping " + hex.EncodeToString(nonce))
		after := []byte("sent after the ping")
		if err := s.sendFrames("a ping and a text message", wsproto.Ping(payload, true), wsproto.Text(string(after), true)); err != nil {
			return err
		}
		what := "a pong for its ping " + wsproto.Excerpt(payload, 40)
		for {
			f, err := s.frame(what)
			if err != nil {
				return err
			}
			switch {
			case f.Opcode == wsproto.OpPing: // the server's own ping: answer, and wait on
				if err := s.send("a pong for your server's ping", wsproto.Pong(f.Payload, true).Bytes()); err != nil {
					return err
				}
				continue
			case f.Opcode == wsproto.OpPong && bytes.Equal(f.Payload, payload):
			case f.Opcode == wsproto.OpPong:
				return grade.Failf("the client pinged with %s and got a pong with %s: a pong carries the ping's payload back.", wsproto.Excerpt(payload, 40), wsproto.Excerpt(f.Payload, 40)).
					WithHint("Answer a ping (opcode 0x9) with a pong (opcode 0xA) carrying the same application data.")
			case f.Opcode == wsproto.OpClose:
				return closedInstead(s.who, what, f)
			default:
				return grade.Failf("the client sent a ping with %s and then a text message; the first frame back was %s, with no pong before it.", wsproto.Excerpt(payload, 40), aFrame(f)).
					WithHint("Answer each ping (opcode 0x9) at once with a pong (opcode 0xA) carrying the same payload, before you echo what comes after it (RFC 6455 §5.5.2).")
			}
			break
		}
		if err := s.expectEcho("its text message after the ping", wsproto.OpText, after); err != nil {
			return err
		}
		c.Note("ping with %s → pong with the same payload, then the echo of the text message sent after it", wsproto.Excerpt(payload, 40))
		return nil
	},
}
