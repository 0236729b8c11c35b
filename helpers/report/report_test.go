package report

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
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

// A claim checked in part says why the rest did not run (a non-root run skips the namespace specs).
func TestPartlySkipped(t *testing.T) {
	skipped := spec("on two hosts", types.SpecStateSkipped, []string{"claim:fd.no-lseek"})
	skipped.Failure.Message = "needs root to create network namespaces (running as uid 65534)"
	table := build(t, false, spec("pipe", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ENOTSOCK"), skipped, skipped)
	want := "passed 1, skipped 2: needs root to create network namespaces (running as uid 65534)"
	if got := table.Rows[0].Result(); got != want {
		t.Errorf("result = %q, want %q", got, want)
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
