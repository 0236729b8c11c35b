package report

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
	"sockspec/helpers/skip"
)

const claims = `claims:
  - {id: fd.no-lseek, section: Socket in the OS, seed: "lseek", statement: s, verdict: holds, sources: [x]}
  - {id: accept.shared-port, section: HTTP and Socket, seed: "port", statement: s, verdict: refuted, correction: "They share the port.", sources: [x]}
  - {id: ws.over-tcp, section: Socket vs Web Socket, seed: "ws", statement: s, verdict: holds, sources: [x], planned: "#3"}
`

func spec(text string, state types.SpecState, labels []string, evidence ...string) types.SpecReport {
	s := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, LeafNodeLabels: labels, State: state,
		LeafNodeLocation: types.CodeLocation{FileName: "/x/a_test.go", LineNumber: 7}}
	for _, e := range evidence {
		s.ReportEntries = append(s.ReportEntries, types.ReportEntry{Name: EvidenceEntry, Value: types.WrapEntryValue(e)})
	}
	if state == types.SpecStateFailed {
		s.Failure = types.Failure{Message: "expected ESPIPE (illegal seek), but the kernel returned EINVAL (invalid argument)",
			Location: types.CodeLocation{FileName: "/x/a_test.go", LineNumber: 9}}
	}
	return s
}

func build(t *testing.T, complete bool, specs ...types.SpecReport) Table {
	t.Helper()
	cat, err := catalog.Parse("claims.yaml", []byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	return Build(cat, []types.Report{{SuiteDescription: "s", SpecReports: specs}}, "linux", complete)
}

func TestTable(t *testing.T) {
	table := build(t, true,
		spec("lseek on TCP", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "TCP: ESPIPE"),
		spec("lseek on UDP", types.SpecStateFailed, []string{"claim:fd.no-lseek"}),
		spec("children", types.SpecStatePassed, []string{"claim:accept.shared-port"}, "child ports: 5 5 5"),
	)
	if len(table.Problems) != 0 || !table.Failed() {
		t.Fatalf("problems %v, failed %v", table.Problems, table.Failed())
	}
	md := table.Markdown()
	for _, want := range []string{
		"| `fd.no-lseek` | holds | FAILED 1 of 2 | TCP: ESPIPE | lseek on UDP (a_test.go:9): expected ESPIPE (illegal seek), but the kernel returned EINVAL (invalid argument) |",
		"| `accept.shared-port` | refuted | passed 1/1 | child ports: 5 5 5 |  |",
		"| `ws.over-tcp` | holds | no spec yet (#3) |",
		"- `accept.shared-port` (refuted): They share the port.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the table lacks\n  %s\n%s", want, md)
		}
	}
}

func skipped(label, message string) types.SpecReport {
	s := spec("skipped", types.SpecStateSkipped, []string{label})
	s.Failure.Message = message
	return s
}

var notRoot = skip.Message(skip.NotRoot, "needs root to create network namespaces (running as uid 65534)")

// A claim checked in part says why the rest did not run (a non-root run skips the namespace specs).
func TestPartlySkipped(t *testing.T) {
	s := skipped("claim:fd.no-lseek", notRoot)
	table := build(t, false, spec("pipe", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ENOTSOCK"), s, s)
	want := "passed 1, skipped 2: " + notRoot
	if got := table.Rows[0].Result(); got != want {
		t.Errorf("result = %q, want %q", got, want)
	}
	if got := table.Rows[0].Coverage(); got != Partly {
		t.Errorf("coverage = %q, want %q", got, Partly)
	}
}

// The table ends with how many claims were checked, partly checked and not checked, and why.
func TestSummary(t *testing.T) {
	table := build(t, true,
		spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE"),
		skipped("claim:fd.no-lseek", notRoot),
		skipped("claim:accept.shared-port", ""),
	)
	want := "Claims on linux: 0 checked, 1 partly checked, 1 not checked, 0 failed, 1 planned (of 3).\n" +
		"- `fd.no-lseek` partly checked: " + notRoot + "\n" +
		"- `accept.shared-port` not checked: not selected by the run's filters\n"
	if got := table.Summary(); got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
	if !strings.HasSuffix(table.Markdown(), "\n"+want) {
		t.Errorf("the table does not end with the summary:\n%s", table.Markdown())
	}
	table = build(t, true,
		spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE"),
		spec("children", types.SpecStatePassed, []string{"claim:accept.shared-port"}, "5 5 5"),
		spec("children", types.SpecStateFailed, []string{"claim:accept.shared-port"}),
	)
	if got := table.Summary(); got != "Claims on linux: 1 checked, 0 partly checked, 0 not checked, 1 failed, 1 planned (of 3).\n" {
		t.Errorf("summary = %q", got)
	}
}

// With fail_on_unchecked (the ci profile) a claim that no spec passed fails the run unless
// every skip names a declared environment reason.
func TestRequireChecked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skips   []types.SpecReport
		problem string // "" when the run passes
	}{
		{"not root", []types.SpecReport{skipped("claim:accept.shared-port", notRoot)}, ""},
		{"another OS and a missing feature", []types.SpecReport{
			skipped("claim:accept.shared-port", skip.Message(skip.OtherOS, "SO_PROTOCOL is Linux only")),
			skipped("claim:accept.shared-port", skip.Message(skip.MissingFeature, "IPv6"))}, ""},
		{"a bare Skip", []types.SpecReport{skipped("claim:accept.shared-port", "not today")},
			"claim accept.shared-port (claims.yaml:3) was not checked: its specs were skipped, not for a declared environment reason: not today"},
		{"a label filter", []types.SpecReport{skipped("claim:accept.shared-port", "")},
			"claim accept.shared-port (claims.yaml:3) was not checked: its specs were skipped, not for a declared environment reason: not selected by the run's filters"},
		{"one declared, one not", []types.SpecReport{skipped("claim:accept.shared-port", notRoot), skipped("claim:accept.shared-port", "not today")},
			"not for a declared environment reason: " + notRoot + "; not today"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			specs := append([]types.SpecReport{spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE")}, tc.skips...)
			table := build(t, true, specs...)
			if table.Failed() {
				t.Fatalf("failed before RequireChecked: %v", table.Problems)
			}
			table.RequireChecked()
			got := strings.Join(table.Problems, "\n")
			if tc.problem == "" && got != "" || !strings.Contains(got, tc.problem) {
				t.Errorf("problems %q, want %q", got, tc.problem)
			}
			if table.Failed() != (tc.problem != "") {
				t.Errorf("Failed() = %v", table.Failed())
			}
		})
	}
}

// Specs and catalog must match: each problem names the claim ID.
func TestCatalogMismatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		specs []types.SpecReport
		want  string
	}{
		{"unknown label", []types.SpecReport{spec("x", types.SpecStatePassed, []string{"claim:fd.nope"})}, `unknown claim ID "fd.nope"`},
		{"no evidence", []types.SpecReport{spec("x", types.SpecStatePassed, []string{"claim:fd.no-lseek"})}, `spec "x" (a_test.go:7) passed without recording what the kernel did`},
		{"no label", []types.SpecReport{spec("x", types.SpecStatePassed, nil)}, `spec "x" (a_test.go:7): the spec has no claim:<ID> label`},
		{"two labels", []types.SpecReport{spec("x", types.SpecStatePassed, []string{"claim:fd.no-lseek", "claim:ws.over-tcp"})}, "has 2 claim labels"},
		{"claim without spec", nil, "claim fd.no-lseek (claims.yaml:2) has no spec"},
		{"planned claim with spec", []types.SpecReport{spec("x", types.SpecStatePassed, []string{"claim:ws.over-tcp"})}, `claim ws.over-tcp (claims.yaml:4) has specs but is still marked planned "#3"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := build(t, true, tc.specs...)
			if !table.Failed() || !strings.Contains(strings.Join(table.Problems, "\n"), tc.want) {
				t.Errorf("problems %q do not contain %q", table.Problems, tc.want)
			}
		})
	}
}

// One suite's table lists only the claims that suite covers, and misses nothing else.
func TestPartialTable(t *testing.T) {
	table := build(t, false, spec("x", types.SpecStateSkipped, []string{"claim:fd.no-lseek"}))
	if len(table.Rows) != 1 || len(table.Problems) != 0 || table.Failed() {
		t.Fatalf("rows %d, problems %v", len(table.Rows), table.Problems)
	}
	if got := table.Rows[0].Result(); got != "skipped: not selected by the run's filters" {
		t.Errorf("result = %q", got)
	}
}
