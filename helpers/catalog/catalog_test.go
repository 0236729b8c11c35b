package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const good = `claims:
  - id: accept.child-socket
    section: HTTP and Socket
    seed: "새로운 자식 소켓"
    statement: accept() returns a new descriptor.
    verdict: holds
    expect:
      linux: {child_inherits_nonblock: false}
      darwin: {child_inherits_nonblock: true}
      freebsd: {child_inherits_nonblock: true}
    sources: [man accept]
`

func TestParseGood(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	cl, ok := c.ByID("accept.child-socket")
	if !ok || cl.Line != 2 {
		t.Fatalf("claim = %+v, %v", cl, ok)
	}
	for goos, want := range map[string]bool{"linux": false, "darwin": true, "freebsd": true} {
		got, from, err := Expected[ChildSocket](c, goos)
		if err != nil || from != cl || got.ChildInheritsNonblock != want {
			t.Errorf("Expected[ChildSocket](%s) = %+v, %v, %v", goos, got, from, err)
		}
	}
	if _, _, err := Expected[ChildSocket](c, "plan9"); err == nil || !strings.Contains(err.Error(), "gives no expectations for plan9") {
		t.Errorf("an OS the catalog does not cover: err = %v", err)
	}
	if _, _, err := Expected[Backlog](c, "linux"); err == nil || !strings.Contains(err.Error(), "has no claim listen.backlog") {
		t.Errorf("a claim missing from the catalog: err = %v", err)
	}
	if _, _, err := Expected[string](c, "linux"); err == nil || !strings.Contains(err.Error(), "no claim declares expectations of type string") {
		t.Errorf("an undeclared type: err = %v", err)
	}
}

// Every malformed file fails with file:line and says what is wrong.
func TestParseMalformed(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"syntax", "claims:\n  - id: a.b\n    seed: \"unterminated\n", `^claims.yaml:3: found unexpected end of stream`},
		{"tab indentation", "claims:\n\t- id: a.b\n", `^claims.yaml:2: found character that cannot start any token`},
		{"unknown field", strings.Replace(good, "verdict:", "verdit:", 1), `claims.yaml:6: unknown field "verdit"`},
		{"missing verdict", strings.Replace(good, "    verdict: holds\n", "", 1), `claims.yaml:2: claim accept.child-socket has no verdict`},
		{"bad verdict", strings.Replace(good, "verdict: holds", "verdict: maybe", 1), `claims.yaml:6: claim accept.child-socket: verdict "maybe" must be`},
		{"refuted without correction", strings.Replace(good, "verdict: holds", "verdict: refuted", 1), `claims.yaml:6: claim accept.child-socket is refuted but has no correction`},
		{"bad section", strings.Replace(good, "HTTP and Socket", "Chapter 9", 1), `claims.yaml:3: claim accept.child-socket: unknown section "Chapter 9"`},
		{"unknown OS", strings.Replace(good, "freebsd:", "plan9:", 1), `claims.yaml:10: claim accept.child-socket: expectation for unknown OS "plan9"`},
		{"missing OS", strings.Replace(good, "      freebsd: {child_inherits_nonblock: true}\n", "", 1), `claims.yaml:7: claim accept.child-socket: expect has no block for freebsd`},
		{"no expect block", strings.Replace(good, "    expect:\n", "    other:\n", 1), `claims.yaml:2: claim accept.child-socket has no expect block; its specs read child_inherits_nonblock`},
		{"expect nobody reads", strings.Replace(good, "accept.child-socket", "fd.no-lseek", 1), `claims.yaml:7: claim fd.no-lseek has an expect block, but no spec reads it`},
		{"bad ID", strings.Replace(good, "accept.child-socket", "Accept Child", 1), `claims.yaml:2: claim ID "Accept Child" must look like`},
		{"duplicate", good + strings.TrimPrefix(good, "claims:\n"), `claims.yaml:12: claim "accept.child-socket" is listed twice \(first at line 2\)`},
		{"wrong type", strings.Replace(good, "sources: [man accept]", "sources: {a: b}", 1), `claims.yaml:11: cannot unmarshal`},
		{"not a list", "claims: 3\n", `claims.yaml:1: "claims" must be a list`},
		{"empty", "", `claims.yaml:1: the file is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("claims.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("Parse accepted a malformed catalog")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error\n  %v\ndoes not match\n  %s", err, tc.want)
			}
		})
	}
}

const realCatalog = "../../fixtures/claims.yaml"

// edit changes the real catalog's line holding old (exactly once in the file) to new
// ("" deletes it), and returns the text and that line's number.
func edit(t *testing.T, old, new string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(realCatalog)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, old) {
			if at >= 0 {
				t.Fatalf("%q is on lines %d and %d of %s; make it unique", old, at+1, i+1, realCatalog)
			}
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("%q is not in %s", old, realCatalog)
	}
	if new == "" {
		lines[at] = ""
	} else {
		lines[at] = strings.Replace(lines[at], old, new, 1)
	}
	return strings.Join(lines, ""), at + 1
}

// lineOf is the number of the line of the real catalog holding s (exactly once).
func lineOf(t *testing.T, s string) int {
	t.Helper()
	_, n := edit(t, s, s)
	return n
}

// The keys a spec reads are declared in Go (Expectations) and checked when the catalog
// loads: a renamed, deleted or mistyped key fails the load, naming the file and line,
// instead of skipping the spec that reads it.
func TestExpectKeysAreChecked(t *testing.T) {
	backlogLinux := lineOf(t, `rule: "b+1"`) - 1 // the "linux:" line of listen.backlog
	for _, tc := range []struct {
		name, old, new string
		line           func(edited int) int
		want           string
	}{
		{"renamed key", "completed_before_accept: {0: 1, 1: 2, 4: 5, 16: 17}", "completed_before_acept: {0: 1, 1: 2, 4: 5, 16: 17}",
			func(n int) int { return n }, `claim listen.backlog, expect.linux: unknown key "completed_before_acept" \(known: rule, completed_before_accept, beyond_limit\)`},
		{"renamed key, the one it replaced", "completed_before_accept: {0: 1, 1: 2, 4: 5, 16: 17}", "completed_before_acept: {0: 1, 1: 2, 4: 5, 16: 17}",
			func(int) int { return backlogLinux }, `claim listen.backlog, expect.linux: missing key "completed_before_accept"`},
		{"deleted key", "write_unconnected_tcp: EPIPE", "",
			func(n int) int { return n - 1 }, `claim socket.no-peer, expect.linux: missing key "write_unconnected_tcp"`},
		{"wrong type", "completed_before_accept: {0: 1, 1: 2, 4: 5, 16: 17}", "completed_before_accept: five",
			func(n int) int { return n }, "claim listen.backlog, expect.linux.completed_before_accept: cannot unmarshal !!str `five` into map\\[int\\]catalog.QueueLen"},
		{"somaxconn for a backlog it does not replace", "completed_before_accept: {0: somaxconn, 1: 1, 4: 4, 16: 16}", "completed_before_accept: {0: somaxconn, 1: 1, 4: somaxconn, 16: 16}",
			func(n int) int { return n - 2 }, `claim listen.backlog, expect.darwin: completed_before_accept 4: somaxconn: the kernel's limit stands in only for a backlog of 0`},
		{"a queue of no connection", "completed_before_accept: {0: 1, 1: 2, 4: 5, 16: 17}", "completed_before_accept: {0: 0, 1: 2, 4: 5, 16: 17}",
			func(n int) int { return n }, `claim listen.backlog, expect.linux.completed_before_accept: "0" is neither a number of connections \(1 or more\) nor somaxconn`},
		{"a connect outcome that is none", "connect_bound_not_listening: stays-in-progress", "connect_bound_not_listening: hangs",
			func(n int) int { return n }, `claim server.sequence, expect.darwin.connect_bound_not_listening: expected ok, stays-in-progress or an errno name: "hangs" is not an errno name`},
		{"a getsockopt answer that is none", "so_acceptconn: {before_listen: 0, after_listen: 2}", "so_acceptconn: {before_listen: 0, after_listen: yes}",
			func(n int) int { return n }, `claim listen.passive, expect.freebsd.so_acceptconn.after_listen: expected an integer or an errno name: "yes" is not an errno name`},
		{"a getsockopt answer left out", "so_acceptconn: {before_listen: 0, after_listen: 1}", "so_acceptconn: {before_listen: 0}",
			func(n int) int { return n }, `claim listen.passive, expect.linux.so_acceptconn: missing key "after_listen"`},
		{"so_protocol not a bool", "so_protocol: false", "so_protocol: no way",
			func(n int) int { return n }, "claim socket.transport-layer, expect.darwin.so_protocol: cannot unmarshal !!str `no way` into bool"},
		{"wrong type, bool", "child_inherits_nonblock: false", "child_inherits_nonblock: sometimes",
			func(n int) int { return n }, "claim accept.child-socket, expect.linux.child_inherits_nonblock: cannot unmarshal !!str `sometimes` into bool"},
		{"not an errno name", "write_unconnected_tcp: EPIPE", "write_unconnected_tcp: EPIPEE",
			func(n int) int { return n }, `claim socket.no-peer, expect.linux.write_unconnected_tcp: "EPIPEE" is not an errno name`},
		{"an errno name of Linux only", "write_unconnected_tcp: EPIPE", "write_unconnected_tcp: ENODATA",
			func(n int) int { return n }, `claim socket.no-peer, expect.linux.write_unconnected_tcp: "ENODATA" is not an errno name of Linux, macOS and FreeBSD`},
		{"not a beyond_limit", "beyond_limit: completes-then-reset", "beyond_limit: completes",
			func(n int) int { return n }, `claim listen.backlog, expect.freebsd.beyond_limit: "completes" is not one of stays-in-progress, completes-then-reset`},
		{"nested key misspelt", "reuseaddr_same_address: {bind: ok, second_listen: EADDRINUSE}", "reuseaddr_same_address: {bind: ok, second_lisen: EADDRINUSE}",
			func(n int) int { return n }, `claim bind.addrinuse, expect.linux.reuseaddr_same_address: unknown key "second_lisen"`},
		{"second_listen without a second listen", "reuseaddr_same_address: {bind: ok, second_listen: EADDRINUSE}", "reuseaddr_same_address: {bind: EADDRINUSE, second_listen: EADDRINUSE}",
			func(n int) int { return n }, `claim bind.addrinuse, expect.linux.reuseaddr_same_address: bind fails with EADDRINUSE, so there is no second listen\(\)`},
		{"an outcome that is neither ok nor an errno", "reuseaddr_specific_under_wildcard_listener: EADDRINUSE", "reuseaddr_specific_under_wildcard_listener: fails",
			func(n int) int { return n }, `claim bind.addrinuse, expect.linux.reuseaddr_specific_under_wildcard_listener: expected ok or an errno name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, n := edit(t, tc.old, tc.new)
			_, err := Parse("fixtures/claims.yaml", []byte(text))
			if err == nil {
				t.Fatal("the catalog loaded")
			}
			want := regexp.MustCompile(fmt.Sprintf(`(?m)^fixtures/claims.yaml:%d: %s`, tc.line(n), tc.want))
			if !want.MatchString(err.Error()) {
				t.Errorf("error\n  %v\ndoes not match\n  %s", err, want)
			}
		})
	}
}

// A syntax error names the line it is on, not the start of the block around it.
func TestSyntaxErrorLines(t *testing.T) {
	statement := lineOf(t, "lseek on TCP (unbound, listening, connected), UDP and Unix-domain sockets fails with") - 1
	data, err := os.ReadFile(realCatalog)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(string) string
		want   string
	}{
		{"a key indented one space less", func(l string) string { return strings.TrimPrefix(l, " ") }, "did not find expected '-' indicator"},
		{"a key indented one space more", func(l string) string { return " " + l }, "did not find expected key"},
		{"a tab in the indentation", func(l string) string { return "\t" + strings.TrimLeft(l, " ") }, "found character that cannot start any token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.SplitAfter(string(data), "\n")
			lines[statement-1] = tc.change(lines[statement-1])
			_, err := Parse("fixtures/claims.yaml", []byte(strings.Join(lines, "")))
			want := fmt.Sprintf("fixtures/claims.yaml:%d: %s", statement, tc.want)
			if err == nil || err.Error() != want {
				t.Errorf("error\n  %v\nwant\n  %s", err, want)
			}
		})
	}
}

func TestClaimOf(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if cl, err := c.ClaimOf([]string{"slow", "claim:accept.child-socket"}); err != nil || cl.ID != "accept.child-socket" {
		t.Errorf("ClaimOf(known) = %v, %v", cl, err)
	}
	for labels, want := range map[string]string{
		"claim:fd.nope": `unknown claim ID "fd.nope": the label claim:fd.nope names no claim in claims.yaml`,
		"slow":          "the spec has no claim:<ID> label",
		"claim:accept.child-socket,claim:accept.child-socket": "the spec has 2 claim labels",
	} {
		_, err := c.ClaimOf(strings.Split(labels, ","))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ClaimOf(%s): err = %v, want %q", labels, err, want)
		}
	}
}

// The real catalog loads, lists each claim of ../shared/CLAIMS.md once, and quotes the
// tutorial verbatim. The shared files sit beside the checkout; where they are absent the
// cross-checks are skipped, the structural checks are not.
func TestRealCatalog(t *testing.T) {
	c, err := Load(realCatalog)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Claims) != 26 {
		t.Errorf("the catalog has %d claims; CLAIMS.md lists 26", len(c.Claims))
	}
	for id := range Expectations {
		if _, ok := c.ByID(id); !ok {
			t.Errorf("Expectations declares the claim %s, which the catalog does not have", id)
		}
	}
	t.Run("matches CLAIMS.md", func(t *testing.T) {
		md, err := os.ReadFile("../../../shared/CLAIMS.md")
		if err != nil {
			t.Skip("../shared/CLAIMS.md is not beside this checkout")
		}
		ids := regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\|").FindAllStringSubmatch(string(md), -1)
		for _, m := range ids {
			if _, ok := c.ByID(m[1]); !ok {
				t.Errorf("CLAIMS.md lists %s; the catalog does not", m[1])
			}
		}
		if len(ids) != len(c.Claims) {
			t.Errorf("CLAIMS.md lists %d claims, the catalog %d", len(ids), len(c.Claims))
		}
	})
	t.Run("seeds are verbatim", func(t *testing.T) {
		seeds, _ := filepath.Glob("../../../shared/seeds/*.txt")
		if len(seeds) != 1 {
			t.Skip("the tutorial is not beside this checkout")
		}
		raw, err := os.ReadFile(seeds[0])
		if err != nil {
			t.Fatal(err)
		}
		// The tutorial wraps sentences over lines; compare with the wrapping undone.
		text := strings.Join(strings.Fields(string(raw)), " ")
		for _, cl := range c.Claims {
			if !strings.Contains(text, cl.Seed) {
				t.Errorf("%s (line %d): the seed is not a verbatim sentence of the tutorial", cl.ID, cl.Line)
			}
		}
	})
}
