package main

import (
	"fmt"
	"strings"
	"testing"
)

// Commands that run at once read as if they had run in turn: the current one's output goes
// out as it comes, a later one's only once every command before it has finished, whatever
// order they finish in.
func TestInOrder(t *testing.T) {
	var out strings.Builder
	o := newInOrder(&out, 4)
	w := func(i int, s string) { fmt.Fprint(o.writer(i), s) }
	w(2, "c1 ")
	w(0, "a1 ")
	w(3, "d1 ")
	if got := out.String(); got != "a1 " {
		t.Fatalf("before any command finished: %q, want only the first one's output", got)
	}
	o.finish(2) // done before its turn: held
	w(1, "b1 ")
	o.finish(0) // the second one's turn: what it wrote so far goes out
	w(1, "b2 ")
	if got := out.String(); got != "a1 b1 b2 " {
		t.Fatalf("after the first finished: %q", got)
	}
	o.finish(1) // the third had finished already: its output, then the fourth's, go out
	w(3, "d2 ")
	o.finish(3)
	if got, want := out.String(), "a1 b1 b2 c1 d1 d2 "; got != want {
		t.Errorf("the outputs read %q, want %q", got, want)
	}
}
