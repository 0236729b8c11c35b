package wsecho

import (
	"bytes"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var fragmented = grade.CheckDef{
	ID:    "fragmented",
	Title: "a message in several frames comes back whole",
	Expect: "After the handshake, one text message sent as 3 frames (text with FIN clear, continuation, continuation with FIN " +
		"set; the first split falls inside a 3-byte character) comes back as one text message with the whole payload.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		msg := []byte("fragments: 웹 소켓 message in three frames")
		// "fragments: " is 11 bytes: a first frame of 12 ends inside 웹.
		frames := wsproto.Fragments(wsproto.OpText, msg, []int{12, 10}, true)
		what := "its text message in 3 frames (12 + 10 + 23 bytes)"
		if err := s.sendFrames(what, frames...); err != nil {
			return err
		}
		m, err := s.message("the echo of " + what)
		if err == nil {
			err = sameMessage(s.who, what, wsproto.OpText, msg, m)
		}
		if err != nil {
			// The payload that came back, whether it made a message or broke a rule.
			got := s.last.Payload
			if m != nil {
				got = m.Payload
			}
			if f, ok := grade.AsFailure(err); ok && got != nil {
				if bytes.Equal(got, frames[0].Payload) {
					f.Saw += " It held the first frame's payload alone."
				}
				if m != nil {
					f.WithHint("%s", fragmentsHint)
				}
			}
			return err
		}
		c.Note("a text message sent in 3 frames of 12, 10 and 23 bytes came back as one text message of %d bytes in %d %s", len(msg), m.Frames, plural(m.Frames, "frame"))
		return nil
	},
}
