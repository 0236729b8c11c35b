package tcpecho

import (
	"bytes"
	"fmt"
	"time"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

var stream = grade.CheckDef{
	ID:    "stream",
	Title: "a message sent in pieces comes back whole",
	Expect: "A message sent in 3 write()s a short gap apart comes back whole and in order, and the connection " +
		"stays open between the pieces: TCP is a byte stream, so one read() may return any part of it.",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "gap", Kind: rubric.Duration, Default: "30ms", Doc: "the pause between two pieces"}},
	Run: func(c *grade.Ctx) error {
		inst, conn, err := connected(c, "the client")
		if err != nil {
			return err
		}
		pieces := [][]byte{[]byte("TCP is a byte stream: "), []byte("one message may arrive "), []byte("in many pieces.\n")}
		msg := bytes.Join(pieces, nil)
		var got []byte
		sent := 0
		for i, p := range pieces {
			conn.SetDeadline(time.Now().Add(c.Duration("within")))
			if _, err := conn.Write(p); err != nil {
				return echoFailure(c, inst, "the client", msg, got, err)
			}
			sent += len(p)
			if i == len(pieces)-1 {
				break
			}
			// The pause between pieces, watching the connection: anything echoed so far is
			// fine, a close is not.
			more, closed, _ := conn.Available(c.Duration("gap"))
			got = append(got, more...)
			if closed {
				return grade.Failf("after piece %d of %d (%d of %d bytes sent), your server closed the connection, having sent back %d bytes: %q.",
					i+1, len(pieces), sent, len(msg), len(got), got).
					WithHint("One read() returns whatever has arrived so far, maybe only part of what the client sends. Keep reading until read() returns 0 (the client closed its side), then close.")
			}
		}
		rest, err := conn.ReadFull(len(msg)-len(got), c.Duration("within"))
		got = append(got, rest...)
		if err := echoFailure(c, inst, "the client", msg, got, err); err != nil {
			return err
		}
		c.Note("%d bytes in %d writes %s apart came back whole and in order: %s; the connection stayed open between them",
			len(msg), len(pieces), c.Duration("gap"), lengths(pieces))
		return nil
	},
}

func lengths(pieces [][]byte) string {
	s := ""
	for i, p := range pieces {
		if i > 0 {
			s += " + "
		}
		s += fmt.Sprint(len(p))
	}
	return s + " bytes"
}
