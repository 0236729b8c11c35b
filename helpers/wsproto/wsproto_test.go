package wsproto

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// The worked example of RFC 6455 §1.3.
func TestAcceptKeyRFCExample(t *testing.T) {
	if got, want := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("AcceptKey(RFC example) = %q, want %q", got, want)
	}
}

func TestNewKeyIs16RandomBytes(t *testing.T) {
	a, b := NewKey(), NewKey()
	if len(a) != 24 || a == b {
		t.Errorf("NewKey gave %q and %q: want two different base64 strings of 16 bytes", a, b)
	}
}

// The examples of RFC 6455 §5.7: "Hello" as an unmasked and as a masked text frame.
func TestFramesRFCExamples(t *testing.T) {
	unmasked := []byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}
	masked := []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}

	if got := (Frame{Fin: true, Opcode: OpText, Payload: []byte("Hello")}).Bytes(); !bytes.Equal(got, unmasked) {
		t.Errorf("unmasked Hello = % x, want % x", got, unmasked)
	}
	f := Frame{Fin: true, Opcode: OpText, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Payload: []byte("Hello")}
	if got := f.Bytes(); !bytes.Equal(got, masked) {
		t.Errorf("masked Hello = % x, want % x", got, masked)
	}
	for _, wire := range [][]byte{unmasked, masked} {
		got, err := ReadFrame(bytes.NewReader(wire))
		if err != nil || string(got.Payload) != "Hello" || !got.Fin || got.Opcode != OpText || got.Masked != (wire[1]&0x80 != 0) {
			t.Errorf("ReadFrame(% x) = %v, %v", wire, got, err)
		}
	}
}

// 256 bytes take the 16-bit length, 65536 the 64-bit one (§5.7's last examples).
func TestFrameLengths(t *testing.T) {
	for _, tc := range []struct {
		n      int
		header []byte
	}{{125, []byte{0x82, 125}}, {256, []byte{0x82, 126, 0x01, 0x00}}, {65536, []byte{0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0}}} {
		f := Frame{Fin: true, Opcode: 0x2, Payload: bytes.Repeat([]byte{'x'}, tc.n)}
		wire := f.Bytes()
		if !bytes.HasPrefix(wire, tc.header) || len(wire) != len(tc.header)+tc.n {
			t.Errorf("%d bytes: header % x, want % x", tc.n, wire[:len(tc.header)], tc.header)
		}
		got, err := ReadFrame(bytes.NewReader(Text(strings.Repeat("y", tc.n), true).Bytes()))
		if err != nil || len(got.Payload) != tc.n || got.Payload[tc.n-1] != 'y' {
			t.Errorf("round trip of %d masked bytes: %d bytes, %v", tc.n, len(got.Payload), err)
		}
	}
	if _, err := ReadFrame(bytes.NewReader([]byte{0x82, 127, 0xff, 0, 0, 0, 0, 0, 0, 0})); err == nil {
		t.Error("ReadFrame accepted a 2^63-byte length")
	}
}

func TestCloseFrame(t *testing.T) {
	f := Close(CloseNormal, "bye", true)
	got, err := ReadFrame(bytes.NewReader(f.Bytes()))
	if err != nil || got.CloseCode() != 1000 || string(got.Payload[2:]) != "bye" {
		t.Errorf("close frame round trip: %v, %v", got, err)
	}
}

func TestUpgradeRequest(t *testing.T) {
	want := "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:80\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if got := string(Upgrade("127.0.0.1:80", "/ws", "dGhlIHNhbXBsZSBub25jZQ==").Bytes()); got != want {
		t.Errorf("Upgrade request:\n%q\nwant\n%q", got, want)
	}
	r := Upgrade("h", "/ws", "k").Set("Sec-WebSocket-Version", "8").Del("Sec-WebSocket-Key")
	if s := string(r.Bytes()); strings.Contains(s, "Sec-WebSocket-Key") || !strings.Contains(s, "Sec-WebSocket-Version: 8\r\n") {
		t.Errorf("Set/Del: %q", s)
	}
}

func TestReadResponse(t *testing.T) {
	wire := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi"
	br := bufio.NewReader(strings.NewReader(wire))
	r, err := ReadResponse(br)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 101 || r.Get("sec-websocket-accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" || !r.HasToken("Connection", "upgrade") {
		t.Errorf("parsed %+v", r)
	}
	// The bytes after a 101 are frames, left in the reader.
	if f, err := ReadFrame(br); err != nil || string(f.Payload) != "hi" {
		t.Errorf("frame after the 101: %v, %v", f, err)
	}

	r, err = ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")))
	if err != nil || r.Status != 200 || string(r.Body) != "hello" {
		t.Errorf("200 with a body: %+v, %v", r, err)
	}
	for _, bad := range []string{"", "SSH-2.0-OpenSSH\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\n"} {
		if _, err := ReadResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("ReadResponse accepted %q", bad)
		}
	}
}
