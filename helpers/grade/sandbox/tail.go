package sandbox

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// Tail keeps the last bytes written to it and counts all of them: a target printing
// megabytes costs the grader a copy, never memory or results-file size.
type Tail struct {
	mu    sync.Mutex
	buf   []byte // ring
	start int    // index of the oldest byte once the ring is full
	full  bool
	total int64
	eof   chan struct{}
}

// NewTail keeps the last max bytes.
func NewTail(max int) *Tail {
	if max <= 0 {
		max = 1
	}
	return &Tail{buf: make([]byte, 0, max), eof: make(chan struct{})}
}

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += int64(len(p))
	max := cap(t.buf)
	if len(p) >= max {
		t.buf = append(t.buf[:0], p[len(p)-max:]...)
		t.start, t.full = 0, true
		return len(p), nil
	}
	for _, b := range p {
		if !t.full {
			t.buf = append(t.buf, b)
			t.full = len(t.buf) == max
			continue
		}
		t.buf[t.start] = b
		t.start = (t.start + 1) % max
	}
	return len(p), nil
}

// Bytes is the kept tail, oldest first.
func (t *Tail) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]byte, 0, len(t.buf))
	if t.full {
		out = append(out, t.buf[t.start:]...)
		return append(out, t.buf[:t.start]...)
	}
	return append(out, t.buf...)
}

// Total is how many bytes were written in all.
func (t *Tail) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// String is the tail as text, saying how much came before it.
func (t *Tail) String() string {
	b := t.Bytes()
	// Cut at a character boundary, so a kept tail never starts inside a UTF-8 sequence.
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if skipped := t.Total() - int64(len(b)); skipped > 0 {
		s = fmt.Sprintf("[… %d earlier bytes not kept]\n", skipped) + s
	}
	return s
}

// EOF is closed once the stream reached its end (every writer closed it).
func (t *Tail) EOF() <-chan struct{} { return t.eof }

// drain copies r into t until r ends or is closed; it never blocks the writer for long.
func (t *Tail) drain(r io.ReadCloser) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			t.Write(buf[:n])
		}
		if err != nil {
			if err == io.EOF {
				close(t.eof)
			}
			return
		}
	}
}
