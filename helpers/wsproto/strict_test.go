package wsproto

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// Fragments: the first frame carries the opcode, the others are continuations, and only
// the last has FIN; the assembler puts them back together, even with a UTF-8 character
// split between two frames and a control frame between fragments.
func TestFragmentsRoundTrip(t *testing.T) {
	msg := []byte("소켓 fragments") // "소" is 3 bytes: a 2-byte first fragment splits it
	frames := Fragments(OpText, msg, []int{2, 5}, true)
	if len(frames) != 3 {
		t.Fatalf("%d frames, want 3", len(frames))
	}
	for i, f := range frames {
		wantOp := OpContinuation
		if i == 0 {
			wantOp = OpText
		}
		if f.Opcode != wantOp || f.Fin != (i == 2) || !f.Masked {
			t.Errorf("frame %d: %v", i, f)
		}
	}
	var a Assembler
	var wire []byte
	for i, f := range frames {
		wire = append(wire, f.Bytes()...)
		if i == 1 {
			wire = append(wire, Ping([]byte("mid"), true).Bytes()...)
		}
	}
	r := bytes.NewReader(wire)
	var got *Message
	for got == nil {
		f, err := ReadFrame(r)
		if err != nil {
			t.Fatal(err)
		}
		if f.IsControl() {
			continue
		}
		if got, err = a.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	if got.Opcode != OpText || !bytes.Equal(got.Payload, msg) || got.Frames != 3 || a.Open() {
		t.Errorf("assembled %+v", got)
	}
}

// The rules of §5.4 that span frames, and UTF-8 for whole text messages (§8.1).
func TestAssemblerRejects(t *testing.T) {
	cont := Frame{Fin: true, Opcode: OpContinuation, Payload: []byte("x")}
	first := Frame{Fin: false, Opcode: OpBinary, Payload: []byte("a")}
	for name, tc := range map[string]struct {
		frames []Frame
		want   string
	}{
		"continuation first": {[]Frame{cont}, "no fragmented message open"},
		"new message inside": {[]Frame{first, Text("b", false)}, "while a fragmented binary message was still open"},
		"bad UTF-8":          {[]Frame{{Fin: true, Opcode: OpText, Payload: []byte{0xe1, 0x84}}}, "not valid UTF-8"},
		"control frame":      {[]Frame{Ping(nil, false)}, "not a data frame"},
	} {
		var a Assembler
		var err error
		for _, f := range tc.frames {
			if _, err = a.Add(f); err != nil {
				break
			}
		}
		var pe *ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a ProtocolError saying %q", name, err, tc.want)
		}
	}
}

// Every rule CheckServerFrame knows rejects its frame, naming the rule and the header as
// it came; the control case: good frames of each kind and length pass.
func TestCheckServerFrame(t *testing.T) {
	read := func(wire []byte) Frame {
		t.Helper()
		f, err := ReadFrame(bytes.NewReader(wire))
		if err != nil {
			t.Fatalf("ReadFrame(% x): %v", wire, err)
		}
		return f
	}
	good := [][]byte{
		Text("hi", false).Bytes(), Binary(make([]byte, 126), false).Bytes(), Binary(make([]byte, 70000), false).Bytes(),
		Ping([]byte("p"), false).Bytes(), Pong(nil, false).Bytes(), Close(CloseNormal, "bye", false).Bytes(),
		{0x88, 0x00}, // a close frame without a status code
		(Frame{Fin: false, Opcode: OpText, Payload: []byte("a")}).Bytes(),
		Close(4000, "", false).Bytes(),
	}
	for _, wire := range good {
		if err := CheckServerFrame(read(wire)); err != nil {
			t.Errorf("% x rejected: %v", wire[:2], err)
		}
	}
	bad := map[string]struct {
		wire []byte
		want string
	}{
		"masked":          {[]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, "the MASK bit is set, with masking key 37 fa 21 3d: a server must not mask the frames it sends (RFC 6455 §5.1); the frame's header was 0x81 0x85 0x37 0xfa 0x21 0x3d"},
		"rsv1":            {[]byte{0xc1, 0x01, 'x'}, "reserved bit is set (RSV 100)"},
		"reserved opcode": {[]byte{0x83, 0x00}, "opcode 0x3 is reserved"},
		"control opcode":  {[]byte{0x8b, 0x00}, "opcode 0xb is reserved"},
		"16 bits for 5":   {[]byte{0x81, 126, 0, 5, 'h', 'e', 'l', 'l', 'o'}, "the length 5 is sent in 16 bits"},
		"64 bits for 300": {append([]byte{0x82, 127, 0, 0, 0, 0, 0, 0, 1, 44}, make([]byte, 300)...), "the length 300 is sent in 64 bits"},
		"fragmented ping": {[]byte{0x09, 0x00}, "control frames must not be fragmented"},
		"long pong":       {append([]byte{0x8a, 126, 0, 126}, make([]byte, 126)...), "carries 126 bytes"},
		"1-byte close":    {[]byte{0x88, 0x01, 0x03}, "close frame's body is 1 byte"},
		"close 1005":      {[]byte{0x88, 0x02, 0x03, 0xed}, "status code 1005 may not be sent"},
		"close 999":       {[]byte{0x88, 0x02, 0x03, 0xe7}, "status code 999 may not be sent"},
		"close reason":    {[]byte{0x88, 0x03, 0x03, 0xe8, 0xff}, "close reason is not UTF-8"},
	}
	for name, tc := range bad {
		err := CheckServerFrame(read(tc.wire))
		var pe *ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestSendableCloseCodes(t *testing.T) {
	for code, want := range map[uint16]bool{999: false, 1000: true, 1001: true, 1002: true, 1003: true, 1004: false,
		1005: false, 1006: false, 1007: true, 1011: true, 1015: false, 2999: false, 3000: true, 4999: true, 5000: false} {
		if SendableCloseCode(code) != want {
			t.Errorf("SendableCloseCode(%d) = %v", code, !want)
		}
	}
}

// Ping, pong and binary frames on the wire: opcode in the low bits of the first byte.
func TestControlAndBinaryFrames(t *testing.T) {
	for _, tc := range []struct {
		f  Frame
		b0 byte
	}{{Ping([]byte("x"), false), 0x89}, {Pong([]byte("x"), false), 0x8a}, {Binary([]byte{0, 255}, false), 0x82}} {
		if w := tc.f.Bytes(); w[0] != tc.b0 || !tc.f.IsControl() != (tc.b0 == 0x82) {
			t.Errorf("%v: first byte %#x, want %#x", tc.f, w[0], tc.b0)
		}
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	got, err := ReadFrame(bytes.NewReader(Binary(all, true).Bytes()))
	if err != nil || !bytes.Equal(got.Payload, all) || got.Opcode != OpBinary {
		t.Errorf("binary round trip: %v, %v", got, err)
	}
}

// A stream that ends inside a frame is io.ErrUnexpectedEOF, one that ends between frames
// io.EOF: the grader tells "closed the connection" from "closed it in mid-frame".
func TestReadFrameEnds(t *testing.T) {
	if _, err := ReadFrame(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
	wire := Text("hello", false).Bytes()
	for cut := 1; cut < len(wire); cut++ {
		if _, err := ReadFrame(bytes.NewReader(wire[:cut])); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut after %d bytes: %v, want io.ErrUnexpectedEOF", cut, err)
		}
	}
}

// Bodies: chunked, and until the connection closes.
func TestResponseBodies(t *testing.T) {
	chunked := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"
	br := bufio.NewReader(strings.NewReader(chunked))
	r, err := ReadResponse(br)
	if err != nil || string(r.Body) != "hello, world" || r.UntilClose {
		t.Errorf("chunked: %+v, %v", r, err)
	}
	if rest, _ := io.ReadAll(br); string(rest) != "NEXT" {
		t.Errorf("after the chunked body: %q", rest)
	}
	br = bufio.NewReader(strings.NewReader("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html></html>"))
	if r, err = ReadResponse(br); err != nil || !r.UntilClose || len(r.Body) != 0 {
		t.Fatalf("until close: %+v, %v", r, err)
	}
	if err := r.ReadBodyUntilClose(br); err != nil || string(r.Body) != "<html></html>" {
		t.Errorf("body until close: %q, %v", r.Body, err)
	}
	r, err = ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nno!")))
	if err != nil || r.Status != 426 || string(r.Body) != "no!" || r.Get("sec-websocket-version") != "13" {
		t.Errorf("426: %+v, %v", r, err)
	}
	if _, err := ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))); err == nil {
		t.Error("a bad chunk size was accepted")
	}
}
