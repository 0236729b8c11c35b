// Package wsproto is the client half of RFC 6455, written out byte by byte so a spec sees
// exactly what crosses the wire: the HTTP/1.1 opening handshake and the frames after it.
// It knows nothing about sockets; the specs run it over a raw socket (or TLS on one).
package wsproto

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GUID is the constant RFC 6455 §1.3 appends to the client's key.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// NewKey returns a fresh Sec-WebSocket-Key: 16 random bytes, base64 (§4.1).
func NewKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// AcceptKey is the Sec-WebSocket-Accept a server must answer key with:
// base64(SHA-1(key + GUID)) (§1.3, §4.2.2).
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + GUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Field is one header line.
type Field struct{ Name, Value string }

// Request is an HTTP/1.1 request as the client writes it.
type Request struct {
	Method, Target string
	Header         []Field
}

// Get is a plain GET: the request an HTTP server answers with a page.
func Get(host, target string) *Request {
	return &Request{Method: "GET", Target: target, Header: []Field{{"Host", host}}}
}

// Upgrade is the opening handshake of §4.1: a GET asking to switch to WebSocket.
func Upgrade(host, target, key string) *Request {
	r := Get(host, target)
	r.Header = append(r.Header,
		Field{"Upgrade", "websocket"},
		Field{"Connection", "Upgrade"},
		Field{"Sec-WebSocket-Key", key},
		Field{"Sec-WebSocket-Version", "13"},
	)
	return r
}

// Set replaces the header name (or adds it); Del removes it. Both return r, for the bad-input specs.
func (r *Request) Set(name, value string) *Request {
	r.Del(name)
	r.Header = append(r.Header, Field{name, value})
	return r
}

func (r *Request) Del(name string) *Request {
	var kept []Field
	for _, f := range r.Header {
		if !strings.EqualFold(f.Name, name) {
			kept = append(kept, f)
		}
	}
	r.Header = kept
	return r
}

// Bytes is the request on the wire.
func (r *Request) Bytes() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", r.Method, r.Target)
	for _, f := range r.Header {
		fmt.Fprintf(&b, "%s: %s\r\n", f.Name, f.Value)
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// Response is an HTTP/1.x response as it arrived.
type Response struct {
	Proto  string // "HTTP/1.1"
	Status int
	Reason string
	Header []Field
	Body   []byte
	Raw    string // status line and headers, as received
	// UntilClose says the body has neither Content-Length nor chunked encoding, so it runs
	// until the server closes the connection (RFC 9112 §6.3): ReadBodyUntilClose reads it.
	UntilClose bool
}

// Get returns the first value of the header name ("" if absent), ignoring case in the name.
func (r *Response) Get(name string) string {
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns every value of the header name, comma-separated lists split up.
func (r *Response) Values(name string) []string {
	var out []string
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			for v := range strings.SplitSeq(f.Value, ",") {
				out = append(out, strings.TrimSpace(v))
			}
		}
	}
	return out
}

// HasToken tells whether the header name lists token, ignoring case (as §4.1 compares
// Connection: Upgrade).
func (r *Response) HasToken(name, token string) bool {
	for _, v := range r.Values(name) {
		if strings.EqualFold(v, token) {
			return true
		}
	}
	return false
}

// ReadResponse reads one response: the status line, the headers, and a body of
// Content-Length bytes or in chunks (a 101 has none: the bytes after it are frames). A body
// delimited by the end of the connection is left to ReadBodyUntilClose.
func ReadResponse(br *bufio.Reader) (*Response, error) {
	var raw strings.Builder
	line, err := readLine(br, &raw)
	if err != nil {
		return nil, fmt.Errorf("reading the status line: %w", err)
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, reason, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || len(code) != 3 {
		return nil, fmt.Errorf("not an HTTP/1.x status line: %q", line)
	}
	r := &Response{Proto: proto, Status: status, Reason: reason}
	for {
		line, err := readLine(br, &raw)
		if err != nil {
			return nil, fmt.Errorf("reading the headers after %q: %w", r.Raw, err)
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		r.Header = append(r.Header, Field{name, strings.TrimSpace(value)})
	}
	r.Raw = raw.String()
	if status < 200 || status == 204 || status == 304 {
		return r, nil // no body (RFC 9112 §6.3); after a 101 the bytes are frames
	}
	if r.HasToken("Transfer-Encoding", "chunked") {
		if r.Body, err = readChunked(br); err != nil {
			return nil, fmt.Errorf("reading the chunked body after %q: %w", firstLine(r.Raw), err)
		}
		return r, nil
	}
	cl := r.Get("Content-Length")
	if cl == "" {
		r.UntilClose = true
		return r, nil
	}
	n, err := strconv.Atoi(cl)
	if err != nil || n < 0 || n > MaxPayload {
		return nil, fmt.Errorf("bad Content-Length %q", cl)
	}
	r.Body = make([]byte, n)
	if got, err := io.ReadFull(br, r.Body); err != nil {
		r.Body = r.Body[:got]
		return r, fmt.Errorf("reading a body of %d bytes (got %d): %w", n, got, err)
	}
	return r, nil
}

// ReadBodyUntilClose reads a body that ends where the connection ends (UntilClose), at
// most MaxPayload bytes.
func (r *Response) ReadBodyUntilClose(br *bufio.Reader) error {
	body, err := io.ReadAll(io.LimitReader(br, MaxPayload+1))
	r.Body = body
	if err == nil && len(body) > MaxPayload {
		return fmt.Errorf("a body of more than %d bytes", MaxPayload)
	}
	return err
}

// readChunked reads a chunked body (RFC 9112 §7.1): hex size lines, data, a 0 chunk, and
// trailer lines up to an empty one.
func readChunked(br *bufio.Reader) ([]byte, error) {
	var body []byte
	var raw strings.Builder
	for {
		line, err := readLine(br, &raw)
		if err != nil {
			return body, err
		}
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseUint(strings.TrimSpace(size), 16, 32)
		if err != nil || len(body)+int(n) > MaxPayload {
			return body, fmt.Errorf("bad chunk size line %q", line)
		}
		if n == 0 {
			for {
				if line, err = readLine(br, &raw); err != nil || line == "" {
					return body, err
				}
			}
		}
		chunk := make([]byte, n+2)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return body, err
		}
		if string(chunk[n:]) != "\r\n" {
			return body, fmt.Errorf("a chunk of %d bytes is not followed by CRLF", n)
		}
		body = append(body, chunk[:n]...)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}

func readLine(br *bufio.Reader, raw *strings.Builder) (string, error) {
	line, err := br.ReadString('\n')
	raw.WriteString(line)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}
