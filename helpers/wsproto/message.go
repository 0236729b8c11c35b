package wsproto

import (
	"fmt"
	"unicode/utf8"
)

// Message is one data message (§5.6): its opcode (text or binary), the payload of all its
// frames, and how many frames it came in.
type Message struct {
	Opcode  byte
	Payload []byte
	Frames  int
}

// Assembler puts messages together from data frames as they arrive (§5.4): a message is a
// text or binary frame with FIN set, or one with FIN clear followed by continuation frames,
// the last with FIN set. Control frames may come between fragments; they are not its to
// see. A text message must be UTF-8 once whole (§8.1), even split inside a character.
type Assembler struct {
	cur *Message
}

// Add takes the next data frame. It returns the message f completes (nil while one is
// still open) or a *ProtocolError for a frame out of place.
func (a *Assembler) Add(f Frame) (*Message, error) {
	fail := func(section, format string, args ...any) (*Message, error) {
		return nil, &ProtocolError{Rule: fmt.Sprintf(format, args...), Section: section, Frame: f}
	}
	switch f.Opcode {
	case OpContinuation:
		if a.cur == nil {
			return fail("§5.4", "a continuation frame came with no fragmented message open (the previous frame had FIN set, or there was none)")
		}
	case OpText, OpBinary:
		if a.cur != nil {
			return fail("§5.4", "a new %s frame came while a fragmented %s message was still open (after %d frames without FIN)", OpName(f.Opcode), OpName(a.cur.Opcode), a.cur.Frames)
		}
		a.cur = &Message{Opcode: f.Opcode}
	default:
		return fail("§5.2", "%s is not a data frame", OpName(f.Opcode))
	}
	a.cur.Payload = append(a.cur.Payload, f.Payload...)
	a.cur.Frames++
	if !f.Fin {
		return nil, nil
	}
	m := a.cur
	a.cur = nil
	if m.Opcode == OpText && !utf8.Valid(m.Payload) {
		return fail("§8.1", "a text message of %d bytes is not valid UTF-8", len(m.Payload))
	}
	return m, nil
}

// Open says whether a fragmented message has begun and not ended.
func (a *Assembler) Open() bool { return a.cur != nil }
