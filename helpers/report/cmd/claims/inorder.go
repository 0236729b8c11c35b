package main

import (
	"bytes"
	"io"
	"sync"
)

// inOrder passes the output of commands that run at once on to w one command after
// another, in their order: the current command's as it comes, every later one's held
// back until all before it have finished. The output reads as if they had run in turn.
type inOrder struct {
	mu      sync.Mutex
	w       io.Writer
	held    []bytes.Buffer
	done    []bool
	current int // the command whose output goes straight to w
}

func newInOrder(w io.Writer, n int) *inOrder {
	return &inOrder{w: w, held: make([]bytes.Buffer, n), done: make([]bool, n)}
}

// output is one command's output. A pointer, so exec sees stdout and stderr are one writer.
type output struct {
	o *inOrder
	i int
}

// writer is the i-th command's output.
func (o *inOrder) writer(i int) io.Writer { return &output{o, i} }

func (w *output) Write(p []byte) (int, error) {
	o := w.o
	o.mu.Lock()
	defer o.mu.Unlock()
	if w.i == o.current {
		o.w.Write(p) // a terminal or a log that fails must not stop a suite
		return len(p), nil
	}
	return o.held[w.i].Write(p)
}

// finish says the i-th command has ended: the output held for the next ones goes out, up
// to the first that is still running.
func (o *inOrder) finish(i int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done[i] = true
	for o.current < len(o.done) && o.done[o.current] {
		o.current++
		if o.current < len(o.held) {
			o.w.Write(o.held[o.current].Bytes())
			o.held[o.current] = bytes.Buffer{}
		}
	}
}
