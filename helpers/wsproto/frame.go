package wsproto

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
)

// Opcodes of RFC 6455 §5.2.
const (
	OpText  byte = 0x1
	OpClose byte = 0x8
)

// Close status codes of §7.4.1.
const (
	CloseNormal        uint16 = 1000
	CloseProtocolError uint16 = 1002
)

// Frame is one WebSocket frame. Payload is always the unmasked application data.
type Frame struct {
	Fin     bool
	Opcode  byte
	Masked  bool    // as sent or received: a client must mask, a server must not (§5.1)
	Mask    [4]byte // the masking key, when Masked
	Payload []byte
}

// Text is a final text frame; a client frame is masked with a fresh random key (§5.3).
func Text(msg string, masked bool) Frame {
	return newFrame(OpText, []byte(msg), masked)
}

// Close is a close frame carrying a status code and a reason (§5.5.1).
func Close(code uint16, reason string, masked bool) Frame {
	p := binary.BigEndian.AppendUint16(nil, code)
	return newFrame(OpClose, append(p, reason...), masked)
}

func newFrame(op byte, p []byte, masked bool) Frame {
	f := Frame{Fin: true, Opcode: op, Masked: masked, Payload: p}
	if masked {
		rand.Read(f.Mask[:])
	}
	return f
}

// CloseCode returns the status code of a close frame, or 0 if it carries none.
func (f Frame) CloseCode() uint16 {
	if f.Opcode != OpClose || len(f.Payload) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(f.Payload)
}

// Bytes is the frame on the wire (§5.2): FIN and opcode, MASK bit and length (7 bits,
// or 126 + 16 bits, or 127 + 64 bits), the masking key, then the payload XOR the key.
func (f Frame) Bytes() []byte {
	b0 := f.Opcode & 0x0f
	if f.Fin {
		b0 |= 0x80
	}
	out := []byte{b0, 0}
	switch n := len(f.Payload); {
	case n < 126:
		out[1] = byte(n)
	case n <= 0xffff:
		out[1] = 126
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out[1] = 127
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	if !f.Masked {
		return append(out, f.Payload...)
	}
	out[1] |= 0x80
	out = append(out, f.Mask[:]...)
	for i, c := range f.Payload {
		out = append(out, c^f.Mask[i%4])
	}
	return out
}

// MaxPayload bounds what ReadFrame accepts, so a garbled length cannot make a spec allocate
// gigabytes.
const MaxPayload = 1 << 20

// ReadFrame reads one frame and unmasks its payload.
func ReadFrame(r io.Reader) (Frame, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Frame{}, err
	}
	f := Frame{Fin: h[0]&0x80 != 0, Opcode: h[0] & 0x0f, Masked: h[1]&0x80 != 0}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return f, fmt.Errorf("reading a 16-bit length: %w", err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return f, fmt.Errorf("reading a 64-bit length: %w", err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > MaxPayload {
		return f, fmt.Errorf("frame length %d is over this client's limit of %d bytes", n, MaxPayload)
	}
	if f.Masked {
		if _, err := io.ReadFull(r, f.Mask[:]); err != nil {
			return f, fmt.Errorf("reading the masking key: %w", err)
		}
	}
	f.Payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return f, fmt.Errorf("reading a payload of %d bytes: %w", n, err)
	}
	if f.Masked {
		for i := range f.Payload {
			f.Payload[i] ^= f.Mask[i%4]
		}
	}
	return f, nil
}

func (f Frame) String() string {
	name := map[byte]string{0x0: "continuation", OpText: "text", 0x2: "binary", OpClose: "close", 0x9: "ping", 0xa: "pong"}[f.Opcode]
	if name == "" {
		name = fmt.Sprintf("opcode %#x", f.Opcode)
	}
	masked := "unmasked"
	if f.Masked {
		masked = "masked"
	}
	if f.Opcode == OpClose {
		return fmt.Sprintf("%s %s frame, status %d %q", masked, name, f.CloseCode(), f.Payload[min(2, len(f.Payload)):])
	}
	return fmt.Sprintf("%s %s frame, %d bytes %q", masked, name, len(f.Payload), f.Payload)
}
