package wsproto

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ProtocolError is a frame or a sequence of frames that RFC 6455 forbids: the rule it
// breaks, with its section, and the frame's header as it arrived.
type ProtocolError struct {
	Rule    string // "a server must not mask the frames it sends"
	Section string // "§5.1"
	Frame   Frame
}

func (e *ProtocolError) Error() string {
	s := fmt.Sprintf("%s (RFC 6455 %s)", e.Rule, e.Section)
	if len(e.Frame.Header) > 0 {
		s += fmt.Sprintf("; the frame's header was %s", HexBytes(e.Frame.Header))
	}
	return s
}

// HexBytes prints bytes as a student reads them in a capture: "0x81 0x85 0x37 0xfa".
func HexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("0x%02x", c)
	}
	return strings.Join(parts, " ")
}

// CheckServerFrame says whether a client may accept f from a server, by every rule a
// single frame can break: nil, or the first *ProtocolError found. A client that meets one
// must fail the connection (§7.1.7). Rules spanning frames (continuations) are
// Assembler's; a text message's UTF-8 is checked once the message is whole.
func CheckServerFrame(f Frame) error {
	fail := func(section, format string, args ...any) error {
		return &ProtocolError{Rule: fmt.Sprintf(format, args...), Section: section, Frame: f}
	}
	switch {
	case f.Masked:
		return fail("§5.1", "the MASK bit is set, with masking key % x: a server must not mask the frames it sends", f.Mask)
	case f.RSV != 0:
		return fail("§5.2", "a reserved bit is set (RSV %03b) though no extension was negotiated", f.RSV>>4)
	case f.Opcode > OpBinary && f.Opcode < OpClose || f.Opcode > OpPong:
		return fail("§5.2", "%s is reserved: no frame may use it", OpName(f.Opcode))
	}
	if len(f.Header) >= 2 {
		n := len(f.Payload)
		switch f.Header[1] & 0x7f {
		case 126:
			if n < 126 {
				return fail("§5.2", "the length %d is sent in 16 bits; the minimal number of bytes must be used (7 bits up to 125)", n)
			}
		case 127:
			if n <= 0xffff {
				return fail("§5.2", "the length %d is sent in 64 bits; the minimal number of bytes must be used (64 bits only above 65535)", n)
			}
		}
	}
	if f.IsControl() {
		if !f.Fin {
			return fail("§5.5", "a %s frame has FIN clear: control frames must not be fragmented", OpName(f.Opcode))
		}
		if len(f.Payload) > 125 {
			return fail("§5.5", "a %s frame carries %d bytes: control frames carry at most 125", OpName(f.Opcode), len(f.Payload))
		}
	}
	if f.Opcode == OpClose {
		if len(f.Payload) == 1 {
			return fail("§5.5.1", "a close frame's body is 1 byte: it is empty or starts with a 2-byte status code")
		}
		if len(f.Payload) >= 2 && !SendableCloseCode(f.CloseCode()) {
			return fail("§7.4", "close status code %d may not be sent in a close frame", f.CloseCode())
		}
		if !utf8.Valid(f.Payload[min(2, len(f.Payload)):]) {
			return fail("§5.5.1", "the close reason is not UTF-8")
		}
	}
	return nil
}

// SendableCloseCode says whether an endpoint may put code in a close frame (§7.4.1,
// §7.4.2): the defined codes but 1004, 1005, 1006 and 1015 (reserved, or meant only for
// reports), the IANA-registered 1012–1014, and 3000–4999 for libraries and applications.
func SendableCloseCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}
