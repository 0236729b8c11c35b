package rubric

import (
	"strings"
	"testing"
	"time"
)

var specs = []CheckSpec{
	{ID: "listens", Params: []ParamSpec{{Name: "ready_within", Kind: Duration, Default: "3s"}}},
	{ID: "large", Params: []ParamSpec{{Name: "size", Kind: Bytes, Default: "1MiB"}, {Name: "within", Kind: Duration, Default: "10s"}}},
	{ID: "no-leak", Params: []ParamSpec{{Name: "clients", Kind: Int, Default: "20"}}},
}

func known(id string) bool { return id == "listen.passive" || id == "bind.addrinuse" }

const good = `assignment: tcp-echo
build: cc -o server server.c
target: ./server {port}
visibility: after_published
checks:
  - id: listens
    points: 10
    claims: [listen.passive]
    params: {ready_within: 2s}
  - id: large
    points: 7.5
    visibility: hidden
    params: {size: 64KiB}
  - id: no-leak
    points: 15
`

func TestParseGood(t *testing.T) {
	r, err := Parse("r.yaml", []byte(good), "tcp-echo", specs, known)
	if err != nil {
		t.Fatal(err)
	}
	if r.Target != "./server {port}" || r.Build != "cc -o server server.c" || r.Visibility != "after_published" {
		t.Errorf("top level: %+v", r)
	}
	if len(r.Checks) != 3 || r.MaxScore() != 32.5 || len(r.Warnings) != 0 {
		t.Fatalf("checks %d, max %v, warnings %v", len(r.Checks), r.MaxScore(), r.Warnings)
	}
	l, _ := r.Find("listens")
	big, _ := r.Find("large")
	leak, _ := r.Find("no-leak")
	if l.Duration("ready_within") != 2*time.Second || big.Bytes("size") != 64<<10 || big.Duration("within") != 10*time.Second || leak.Int("clients") != 20 {
		t.Errorf("params: %v %v %v %v", l.Duration("ready_within"), big.Bytes("size"), big.Duration("within"), leak.Int("clients"))
	}
	if big.Visibility != "hidden" || l.Visibility != "" {
		t.Errorf("visibility: large %q, listens %q (empty: the top level's)", big.Visibility, l.Visibility)
	}
	if r.Limits != DefaultLimits || r.Parallel != 4 {
		t.Errorf("defaults: %+v, parallel %d", r.Limits, r.Parallel)
	}
}

// A check of the assignment that the rubric leaves out is not run, with a warning.
func TestMissingCheckWarns(t *testing.T) {
	text := strings.Replace(good, "  - id: no-leak\n    points: 15\n", "", 1)
	r, err := Parse("r.yaml", []byte(text), "tcp-echo", specs, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Checks) != 2 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `check "no-leak" of tcp-echo is not in the rubric, so it is not run`) {
		t.Errorf("checks %d, warnings %q", len(r.Checks), r.Warnings)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"yaml syntax", good + "  - id: a: b\n", "r.yaml:16: mapping values are not allowed in this context"},
		// yaml names the line its enclosing block starts on (checks:, line 5); the
		// error must name the mis-indented line itself.
		{"mis-indented", strings.Replace(good, "    points: 7.5", "   points: 7.5", 1), "r.yaml:11: "},
		{"unknown check", strings.Replace(good, "id: large", "id: lrage", 1), `r.yaml:10: unknown check "lrage" (known checks: listens, large, no-leak)`},
		{"unknown param", strings.Replace(good, "{size: 64KiB}", "{sise: 64KiB}", 1), `r.yaml:13: check large has no parameter "sise" (it takes: size, within)`},
		{"bad duration", strings.Replace(good, "ready_within: 2s", "ready_within: soon", 1), `r.yaml:9: check listens, parameter ready_within: "soon" is not a duration such as 3s or 250ms`},
		{"bad size", strings.Replace(good, "64KiB", "64KB", 1), `r.yaml:13: check large, parameter size: "64KB" is not a size such as 65536, 64KiB or 1MiB`},
		{"bad points", strings.Replace(good, "points: 15", "points: lots", 1), `r.yaml:15: points must be a number ≥ 0, not "lots"`},
		{"no points", strings.Replace(good, "    points: 15\n", "", 1), `r.yaml:14: check no-leak has no points`},
		{"bad visibility", strings.Replace(good, "visibility: hidden", "visibility: secret", 1), `r.yaml:12: visibility "secret" must be one of visible, hidden, after_due_date, after_published`},
		{"unknown claim", strings.Replace(good, "[listen.passive]", "[listen.pasive]", 1), `r.yaml:8: unknown claim "listen.pasive": not in the catalog`},
		{"duplicate", good + "  - id: listens\n    points: 1\n", `r.yaml:16: check "listens" is listed twice (first at line 6)`},
		{"unknown key", "colour: red\n" + good, `r.yaml:1: unknown key "colour"`},
		{"other assignment", strings.Replace(good, "assignment: tcp-echo", "assignment: ws-echo", 1), `r.yaml:1: this rubric is for assignment "ws-echo", not "tcp-echo"`},
		{"small address space", strings.Replace(good, "checks:", "limits: {address_space_mib: 256}\nchecks:", 1), "r.yaml:5: limits.address_space_mib is 256"},
		{"unknown limit", strings.Replace(good, "checks:", "limits: {memory: 1}\nchecks:", 1), `r.yaml:5: unknown limit "memory"`},
		{"no target", strings.Replace(good, "target: ./server {port}\n", "", 1), "r.yaml:1: no target"},
		{"empty", "", "r.yaml:1: expected a mapping"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(c.text), "tcp-echo", specs, known)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	for text, want := range map[string]int{"100": 100, "1MiB": 1 << 20, "256KiB": 256 << 10, "7B": 7} {
		if v, err := ParseValue(Bytes, text); err != nil || v.(int) != want {
			t.Errorf("%s: %v %v", text, v, err)
		}
	}
	for _, bad := range []string{"0", "-3", "1GB", ""} {
		if _, err := ParseValue(Bytes, bad); err == nil {
			t.Errorf("%q parsed as a size", bad)
		}
	}
	if _, err := ParseValue(Duration, "0s"); err == nil {
		t.Error("a zero duration parsed")
	}
}
