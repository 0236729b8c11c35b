package wsproto

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
)

// Opcodes of RFC 6455 §5.2: data frames (continuation, text, binary) and control frames
// (close, ping, pong).
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xa
)

// Close status codes of §7.4.1.
const (
	CloseNormal        uint16 = 1000
	CloseGoingAway     uint16 = 1001
	CloseProtocolError uint16 = 1002
	CloseInvalidData   uint16 = 1007 // e.g. a text message that is not UTF-8
)

// Frame is one WebSocket frame. Payload is always the unmasked application data.
type Frame struct {
	Fin     bool
	RSV     byte // the three reserved bits (0x40, 0x20, 0x10 of the first byte): 0 without an extension
	Opcode  byte
	Masked  bool    // as sent or received: a client must mask, a server must not (§5.1)
	Mask    [4]byte // the masking key, when Masked
	Payload []byte
	// Header is the frame's header as it arrived (ReadFrame only): the first two bytes, the
	// extended length and the masking key. It shows a student exactly what their server sent.
	Header []byte
}

// Text is a final text frame; a client frame is masked with a fresh random key (§5.3).
func Text(msg string, masked bool) Frame {
	return NewFrame(OpText, []byte(msg), masked)
}

// Binary is a final binary frame.
func Binary(p []byte, masked bool) Frame { return NewFrame(OpBinary, p, masked) }

// Ping is a ping frame with application data (at most 125 bytes, §5.5.2).
func Ping(p []byte, masked bool) Frame { return NewFrame(OpPing, p, masked) }

// Pong is a pong frame, the answer to a ping with the same application data (§5.5.3).
func Pong(p []byte, masked bool) Frame { return NewFrame(OpPong, p, masked) }

// Fragments splits one message into frames (§5.4): the first carries the opcode, the rest
// are continuation frames, only the last has FIN set. sizes are the payload sizes of all
// frames but the last, which takes the rest.
func Fragments(op byte, msg []byte, sizes []int, masked bool) []Frame {
	var out []Frame
	for _, n := range sizes {
		n = min(n, len(msg))
		f := NewFrame(op, msg[:n:n], masked)
		f.Fin = false
		out = append(out, f)
		msg, op = msg[n:], OpContinuation
	}
	return append(out, NewFrame(op, msg, masked))
}

// IsControl says whether the frame is a control frame (close, ping, pong: opcodes 0x8 to
// 0xF, §5.5).
func (f Frame) IsControl() bool { return f.Opcode&0x8 != 0 }

// Close is a close frame carrying a status code and a reason (§5.5.1).
func Close(code uint16, reason string, masked bool) Frame {
	p := binary.BigEndian.AppendUint16(nil, code)
	return NewFrame(OpClose, append(p, reason...), masked)
}

// NewFrame is a final frame of opcode op; masked, it gets a fresh random masking key.
func NewFrame(op byte, p []byte, masked bool) Frame {
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
	b0 := f.Opcode&0x0f | f.RSV&0x70
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

// ReadFrame reads one frame and unmasks its payload. It reads any well-formed frame; whether
// a server was allowed to send it is CheckServerFrame's to say. A stream that ends before
// the first byte gives io.EOF, one that ends inside a frame io.ErrUnexpectedEOF (wrapped).
func ReadFrame(r io.Reader) (Frame, error) {
	var h [2]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		if n > 0 {
			return Frame{Header: h[:n]}, fmt.Errorf("reading a frame header: %w", io.ErrUnexpectedEOF)
		}
		return Frame{}, err
	}
	f := Frame{Fin: h[0]&0x80 != 0, RSV: h[0] & 0x70, Opcode: h[0] & 0x0f, Masked: h[1]&0x80 != 0, Header: h[:]}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return f, fmt.Errorf("reading a 16-bit length: %w", unexpected(err))
		}
		f.Header = append(f.Header, b[:]...)
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return f, fmt.Errorf("reading a 64-bit length: %w", unexpected(err))
		}
		f.Header = append(f.Header, b[:]...)
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > MaxPayload {
		return f, fmt.Errorf("frame length %d is over this client's limit of %d bytes", n, MaxPayload)
	}
	if f.Masked {
		if _, err := io.ReadFull(r, f.Mask[:]); err != nil {
			return f, fmt.Errorf("reading the masking key: %w", unexpected(err))
		}
		f.Header = append(f.Header, f.Mask[:]...)
	}
	f.Payload = make([]byte, n)
	if got, err := io.ReadFull(r, f.Payload); err != nil {
		f.Payload = f.Payload[:got]
		return f, fmt.Errorf("reading a payload of %d bytes (got %d): %w", n, got, unexpected(err))
	}
	if f.Masked {
		for i := range f.Payload {
			f.Payload[i] ^= f.Mask[i%4]
		}
	}
	return f, nil
}

// unexpected makes an end of stream inside a frame io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// OpName is an opcode's name: "text", "ping", "opcode 0x3".
func OpName(op byte) string {
	if name := map[byte]string{OpContinuation: "continuation", OpText: "text", OpBinary: "binary",
		OpClose: "close", OpPing: "ping", OpPong: "pong"}[op]; name != "" {
		return name
	}
	return fmt.Sprintf("opcode %#x", op)
}

func (f Frame) String() string {
	name := OpName(f.Opcode)
	if !f.Fin {
		name = "non-final " + name
	}
	masked := "unmasked"
	if f.Masked {
		masked = "masked"
	}
	if f.Opcode == OpClose {
		if len(f.Payload) < 2 {
			return fmt.Sprintf("%s %s frame without a status code", masked, name)
		}
		return fmt.Sprintf("%s %s frame, status %d %q", masked, name, f.CloseCode(), f.Payload[2:])
	}
	return fmt.Sprintf("%s %s frame, %d bytes %s", masked, name, len(f.Payload), Excerpt(f.Payload, 40))
}

// Excerpt quotes p, cut after n bytes: "\"hello\"", "\"aaaa\"… (70000 bytes)".
func Excerpt(p []byte, n int) string {
	if len(p) <= n {
		return fmt.Sprintf("%q", p)
	}
	return fmt.Sprintf("%q… (%d bytes)", p[:n], len(p))
}
