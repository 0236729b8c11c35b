package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

const good = `profiles:
  default:
    timeout: 5m
    must_not_happen_for: 50ms
    must_happen_within: 3s
    reports: {dir: out, json: report.json, junit: junit.xml, claims: claims.md}
  quick:
    label_filter: "!slow"
    timeout: 1m
    must_not_happen_for: 30ms
    must_happen_within: 2s
    reports: {dir: out/quick, json: r.json, junit: j.xml, claims: c.md}
`

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ginkgo.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSelect(t *testing.T) {
	path := write(t, good)
	p, err := Select(path, "")
	if err != nil || p.Name != "default" || p.MustNotHappenFor.Duration != 50*time.Millisecond {
		t.Fatalf("Select default = %+v, %v", p, err)
	}
	_, err = Select(path, "fast")
	want := path + `: unknown profile "fast" (from SOCKSPEC_PROFILE); known profiles: default, quick`
	if err == nil || err.Error() != want {
		t.Errorf("unknown profile: err = %v\nwant %s", err, want)
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"syntax", "profiles:\n  default: [\n", `ginkgo.yaml:\d+: did not find expected`},
		{"unknown field", strings.Replace(good, "timeout: 5m", "timout: 5m", 1), `ginkgo.yaml:3: field timout not found`},
		{"bad duration", strings.Replace(good, "50ms", "fifty", 1), `ginkgo.yaml:4: "fifty" is not a duration`},
		{"bad label filter", strings.Replace(good, `"!slow"`, `"slow &&"`, 1), `profile "quick": label_filter "slow &&"`},
		{"missing reports", strings.Replace(good, "    reports: {dir: out, json: report.json, junit: junit.xml, claims: claims.md}\n", "", 1), `profile "default": reports.dir is missing`},
		{"no profiles", "other: 1\n", `ginkgo.yaml:1: field other not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Select(write(t, tc.body), "default")
			if err == nil {
				t.Fatal("a malformed profile file was accepted")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error\n  %v\ndoes not match\n  %s", err, tc.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	p, err := Select(write(t, good), "quick")
	if err != nil {
		t.Fatal(err)
	}
	s, r := types.NewDefaultSuiteConfig(), types.NewDefaultReporterConfig()
	s.LabelFilter = "claim:fd.no-lseek"
	p.Apply(&s, &r, "/repo", "descriptors")
	if s.LabelFilter != "(!slow) && (claim:fd.no-lseek)" {
		t.Errorf("label filter = %q: the command line's filter must be combined with the profile's", s.LabelFilter)
	}
	if s.Timeout != time.Minute {
		t.Errorf("timeout = %v, want the profile's 1m", s.Timeout)
	}
	if r.JSONReport != "/repo/out/quick/suites/descriptors.json" || r.JUnitReport != "/repo/out/quick/suites/descriptors.xml" {
		t.Errorf("reports = %q, %q", r.JSONReport, r.JUnitReport)
	}

	// An absolute reports.dir is used as it is, not joined under the module root.
	abs := p
	abs.Reports.Dir = "/var/tmp/sockspec-reports"
	s, r = types.NewDefaultSuiteConfig(), types.NewDefaultReporterConfig()
	abs.Apply(&s, &r, "/repo", "descriptors")
	if r.JSONReport != "/var/tmp/sockspec-reports/suites/descriptors.json" || abs.Path("/repo", "c.md") != "/var/tmp/sockspec-reports/c.md" {
		t.Errorf("with reports.dir %s: suite report %q, claims table %q", abs.Reports.Dir, r.JSONReport, abs.Path("/repo", "c.md"))
	}

	// Flags given explicitly win over the profile.
	s, r = types.NewDefaultSuiteConfig(), types.NewDefaultReporterConfig()
	s.Timeout, r.JSONReport = 7*time.Second, "mine.json"
	p.Apply(&s, &r, "/repo", "descriptors")
	if s.Timeout != 7*time.Second || r.JSONReport != "mine.json" || r.JUnitReport != "" {
		t.Errorf("explicit flags were overridden: timeout %v, reports %q %q", s.Timeout, r.JSONReport, r.JUnitReport)
	}
}

func TestRealProfiles(t *testing.T) {
	all, err := Load("../../ginkgo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"default", "ci", "quick"} {
		if _, ok := all[name]; !ok {
			t.Errorf("ginkgo.yaml has no %q profile", name)
		}
	}
}

// A syntax error in ginkgo.yaml names the line it is on, not the start of the block around
// it (yaml reports the block's first line).
func TestSyntaxErrorLines(t *testing.T) {
	data, err := os.ReadFile("../../ginkgo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	at := -1 // the default profile's poll_progress_after, inside a block
	for i, l := range lines {
		if strings.HasPrefix(l, "    poll_progress_after:") {
			at = i
			break
		}
	}
	if at < 1 || !strings.HasPrefix(lines[at-1], "    ") {
		t.Fatalf("ginkgo.yaml has no poll_progress_after inside a profile")
	}
	for _, tc := range []struct {
		name   string
		change func(string) string
		want   string
	}{
		{"a tab in the indentation", func(l string) string { return "\t" + strings.TrimLeft(l, " ") }, "found a tab character that violates indentation"},
		{"a key indented one space more", func(l string) string { return " " + l }, "mapping values are not allowed in this context"},
		{"a key indented one space less", func(l string) string { return strings.TrimPrefix(l, " ") }, "did not find expected key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed := append([]string(nil), lines...)
			changed[at] = tc.change(changed[at])
			path := write(t, strings.Join(changed, ""))
			_, err := Load(path)
			want := fmt.Sprintf("%s:%d: %s", path, at+1, tc.want)
			if err == nil || err.Error() != want {
				t.Errorf("error\n  %v\nwant\n  %s", err, want)
			}
		})
	}
}

// SOCKSPEC_REPORTS replaces reports.dir, so two platforms' runs keep their reports apart.
func TestReportsEnv(t *testing.T) {
	path := write(t, good)
	t.Setenv(ReportsEnv, "out/gvisor")
	p, err := Select(path, "quick")
	if err != nil || p.Reports.Dir != "out/gvisor" || p.Reports.JSON != "r.json" || p.Dir("/repo") != "/repo/out/gvisor" {
		t.Errorf("with %s=out/gvisor: %+v, %v", ReportsEnv, p.Reports, err)
	}
	t.Setenv(ReportsEnv, "")
	if p, _ := Select(path, "quick"); p.Reports.Dir != "out/quick" {
		t.Errorf("with %s empty: reports.dir %q, want the profile's out/quick", ReportsEnv, p.Reports.Dir)
	}
}
