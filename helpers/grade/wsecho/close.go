package wsecho

import (
	"slices"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var closing = grade.CheckDef{
	ID:    "close",
	Title: "the closing handshake, then the server closes TCP",
	Expect: "After the handshake, the client sends a close frame with status 1000: a close frame comes back, then your server " +
		"closes the TCP connection (the client reads EOF) and no longer holds its socket. The whole session, from the " +
		"upgrade to the close, ran on one TCP connection (one socket of your server).",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		// The server's end of this session, as the kernel shows it after the 101.
		mine := func(snap observe.Snapshot) []observe.Socket {
			return slices.DeleteFunc(snap.Connected(c.Port), func(k observe.Socket) bool { return k.TCP.Peer != s.conn.Local })
		}
		snap, ok := c.Await(s.within(), func(snap observe.Snapshot) bool { return len(mine(snap)) == 1 })
		if !ok {
			c.ShowView(snap)
			return grade.Failf("after the 101, your server's processes held %s for the client's connection %s, not 1.", grade.Count(len(mine(snap)), "socket"), s.conn.Local)
		}
		server := mine(snap)[0]
		if err := s.send("its close frame", wsproto.Close(wsproto.CloseNormal, "bye", true).Bytes()); err != nil {
			return err
		}
		what := "a close frame answering its close frame (status 1000)"
		f, err := s.frame(what)
		for err == nil && (f.Opcode == wsproto.OpPing || f.Opcode == wsproto.OpPong) {
			f, err = s.frame(what) // control frames may come first; the client is closing
		}
		if err != nil {
			if ff, ok := grade.AsFailure(err); ok && ff.Hint == "" {
				ff.WithHint("Answer a close frame (opcode 0x8) with a close frame, usually with the same status code, then close the TCP connection (RFC 6455 §5.5.1, §7.1.1).")
			}
			return err
		}
		if f.Opcode != wsproto.OpClose {
			return grade.Failf("the client sent a close frame with status 1000 and got %s instead of a close frame.", aFrame(f)).
				WithHint("Answer a close frame with a close frame, then close the TCP connection; send nothing else after a close frame.")
		}
		extra, err := s.conn.WaitEOF(s.within())
		if len(extra) > 0 {
			return grade.Failf("after its close frame (%s), your server sent %d more bytes (%s): nothing may follow a close frame (RFC 6455 §5.5.1).", closeStatus(f), len(extra), wsproto.HexBytes(extra[:min(len(extra), 8)]))
		}
		if err != nil {
			return grade.Failf("your server answered with a close frame (%s) but then kept the TCP connection open for %s: the client read no EOF (%s).", closeStatus(f), s.within(), client.Describe(err)).
				WithHint("After the closing handshake the server closes the TCP connection first (RFC 6455 §7.1.1): close() the socket once its close frame is sent.")
		}
		after, gone := c.Await(s.within(), func(snap observe.Snapshot) bool { return len(mine(snap)) == 0 })
		if !gone {
			c.ShowView(after)
			left := mine(after)
			return grade.Failf("the client read EOF, but your server still held its socket of the connection: %s.", observe.Describe(left)).
				WithHint("shutdown() ends the stream but keeps the descriptor: close() it, or the socket leaks.")
		}
		c.Note("close 1000 → close frame (%s), then EOF; your server's one socket of the session, %s ↔ %s (%s), carried the upgrade and the close and is now closed",
			closeStatus(f), server.TCP.Local, server.TCP.Peer, observe.Where([]observe.Socket{server}))
		return nil
	},
}
