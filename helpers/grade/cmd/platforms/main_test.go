package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// Bad input is named, with exit status 2 and nothing written.
func TestBadInput(t *testing.T) {
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "which platform? gradescope, prairielearn or classroom"},
		{[]string{"moodle"}, `unknown platform "moodle"`},
		{[]string{"gradescope", "--bundle", filepath.Join(out, "none.tar.gz")}, "none.tar.gz: no such file or directory"},
		{[]string{"gradescope", "extra"}, `unexpected arguments ["extra"]`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}
