package catalog

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const good = `claims:
  - id: fd.no-lseek
    section: Socket in the OS
    seed: "lseek 기능은 동작하지 않는다"
    statement: lseek fails with ESPIPE.
    verdict: holds
    expect:
      linux: {counts: {0: 1, 4: 5}}
    sources: [man lseek]
`

func TestParseGood(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	cl, ok := c.Claim("fd.no-lseek")
	if !ok || cl.Line != 2 {
		t.Fatalf("claim = %+v, %v", cl, ok)
	}
	var counts map[int]int
	found, err := cl.Expected("linux", "counts", &counts)
	if !found || err != nil || counts[4] != 5 {
		t.Errorf("Expected(linux) = %v, %v, %v", counts, found, err)
	}
	if found, _ := cl.Expected("darwin", "counts", &counts); found {
		t.Error("found an expectation for darwin that the file does not give")
	}
	var wrong string
	if _, err := cl.Expected("linux", "counts", &wrong); err == nil || !strings.HasPrefix(err.Error(), "claims.yaml:8: claim fd.no-lseek, expect.linux.counts") {
		t.Errorf("decoding into the wrong type: err = %v", err)
	}
}

// Every malformed file fails with file:line and says what is wrong.
func TestParseMalformed(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"syntax", "claims:\n  - id: a.b\n    seed: \"unterminated\n", `^claims.yaml:\d+: found unexpected end of stream`},
		{"tab indentation", "claims:\n\t- id: a.b\n", `^claims.yaml:2: found character that cannot start any token`},
		{"unknown field", strings.Replace(good, "verdict:", "verdit:", 1), `claims.yaml:6: unknown field "verdit"`},
		{"missing verdict", strings.Replace(good, "    verdict: holds\n", "", 1), `claims.yaml:2: claim fd.no-lseek has no verdict`},
		{"bad verdict", strings.Replace(good, "verdict: holds", "verdict: maybe", 1), `claims.yaml:6: claim fd.no-lseek: verdict "maybe" must be`},
		{"refuted without correction", strings.Replace(good, "verdict: holds", "verdict: refuted", 1), `claims.yaml:6: claim fd.no-lseek is refuted but has no correction`},
		{"bad section", strings.Replace(good, "Socket in the OS", "Chapter 9", 1), `claims.yaml:3: claim fd.no-lseek: unknown section "Chapter 9"`},
		{"unknown OS", strings.Replace(good, "linux:", "plan9:", 1), `claims.yaml:8: claim fd.no-lseek: expectation for unknown OS "plan9"`},
		{"bad ID", strings.Replace(good, "fd.no-lseek", "FD No Lseek", 1), `claims.yaml:2: claim ID "FD No Lseek" must look like`},
		{"duplicate", good + strings.TrimPrefix(good, "claims:\n"), `claims.yaml:10: claim "fd.no-lseek" is listed twice \(first at line 2\)`},
		{"wrong type", strings.Replace(good, "sources: [man lseek]", "sources: {a: b}", 1), `claims.yaml:9: cannot unmarshal`},
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

func TestClaimOf(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if cl, err := c.ClaimOf([]string{"slow", "claim:fd.no-lseek"}); err != nil || cl.ID != "fd.no-lseek" {
		t.Errorf("ClaimOf(known) = %v, %v", cl, err)
	}
	for labels, want := range map[string]string{
		"claim:fd.nope":                       `unknown claim ID "fd.nope": the label claim:fd.nope names no claim in claims.yaml`,
		"slow":                                "the spec has no claim:<ID> label",
		"claim:fd.no-lseek,claim:fd.no-lseek": "the spec has 2 claim labels",
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
	c, err := Load("../../fixtures/claims.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Claims) != 26 {
		t.Errorf("the catalog has %d claims; CLAIMS.md lists 26", len(c.Claims))
	}
	t.Run("matches CLAIMS.md", func(t *testing.T) {
		md, err := os.ReadFile("../../../shared/CLAIMS.md")
		if err != nil {
			t.Skip("../shared/CLAIMS.md is not beside this checkout")
		}
		ids := regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\|").FindAllStringSubmatch(string(md), -1)
		for _, m := range ids {
			if _, ok := c.Claim(m[1]); !ok {
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
