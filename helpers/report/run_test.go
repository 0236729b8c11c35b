package report

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
)

func runTable(t *testing.T, run Run) Table {
	t.Helper()
	cat, err := catalog.Parse("claims.yaml", []byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	return BuildRun(cat, run, "linux")
}

func suiteReport(filter string, specs ...types.SpecReport) *types.Report {
	r := &types.Report{SuiteDescription: "s", SpecReports: specs}
	r.SuiteConfig.LabelFilter = filter
	return r
}

func startUpFailure(message string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: message}}
}

// A suite that did not run is named with its first error, once for all suites that failed
// alike; the claims without specs are "not run", never "NO SPEC … label one with".
func TestSuitesThatDidNotRun(t *testing.T) {
	loopback := "IPv4 loopback 127.0.0.1 is not usable: connect → ENETUNREACH (network is unreachable)"
	table := runTable(t, Run{Suites: []SuiteRun{
		{Name: "descriptors", Report: suiteReport("", spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE"))},
		{Name: "ipc", Report: suiteReport("", startUpFailure(loopback))},
		{Name: "server", Report: suiteReport("", startUpFailure(loopback))},
		{Name: "websocket", Why: "compile error: suites/websocket/x_test.go:3:9: undefined: y"},
	}})
	problems := strings.Join(table.Problems, "\n")
	for _, want := range []string{
		"suites ipc, server did not run: " + loopback,
		"suite websocket did not run: compile error: suites/websocket/x_test.go:3:9: undefined: y",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems lack %q:\n%s", want, problems)
		}
	}
	md := table.Markdown()
	if !strings.Contains(md, "| `accept.shared-port` | refuted | not run: suites ipc, server, websocket did not run |") || strings.Contains(md, "NO SPEC") || strings.Contains(md, "label one with") {
		t.Errorf("the table:\n%s", md)
	}
	if !table.Failed() {
		t.Error("a run where suites did not run passed")
	}
}

// An interrupted run says so, fails, and does not count the interrupted spec as a failed claim.
func TestInterrupted(t *testing.T) {
	rep := suiteReport("", spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE"),
		spec("lseek udp", types.SpecStateInterrupted, []string{"claim:fd.no-lseek"}))
	rep.SpecialSuiteFailureReasons = []string{"Interrupted by User"}
	table := runTable(t, Run{Suites: []SuiteRun{{Name: "descriptors", Report: rep}, {Name: "server"}}})
	md := table.Markdown()
	for _, want := range []string{
		"**INTERRUPTED** (Interrupted by User): the run stopped before it finished",
		"| `fd.no-lseek` | holds | INTERRUPTED: 1 of 2 passed before the run was stopped |",
		"suite server did not run: the run was interrupted before it ran",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the table lacks %q:\n%s", want, md)
		}
	}
	if !table.Failed() || strings.Contains(md, "FAILED") {
		t.Errorf("failed %v; the table:\n%s", table.Failed(), md)
	}
}

// A run that checked nothing fails: no spec ran, or none of a claim the filter asks for.
func TestNothingSelected(t *testing.T) {
	filtered := spec("lseek", types.SpecStateSkipped, []string{"claim:fd.no-lseek"})
	table := runTable(t, Run{Suites: []SuiteRun{{Name: "descriptors", Report: suiteReport("claim:fd.no-lseek && needs:root", filtered)}}})
	problems := strings.Join(table.Problems, "\n")
	for _, want := range []string{
		`the label filter asks for claim fd.no-lseek, but no spec of it ran (label filter "claim:fd.no-lseek && needs:root")`,
		`the run checked nothing: no spec ran (label filter "claim:fd.no-lseek && needs:root")`,
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems lack %q:\n%s", want, problems)
		}
	}
	// Control: the same claim, run.
	table = runTable(t, Run{Suites: []SuiteRun{{Name: "descriptors", Report: suiteReport("claim:fd.no-lseek",
		spec("lseek", types.SpecStatePassed, []string{"claim:fd.no-lseek"}, "ESPIPE"))}}})
	if p := strings.Join(table.Problems, "\n"); strings.Contains(p, "no spec of it ran") || strings.Contains(p, "checked nothing") {
		t.Errorf("problems: %q", table.Problems)
	}
}

func TestFirstError(t *testing.T) {
	for _, tc := range []struct{ name, output, want string }{
		{"start-up, buried under -p", "\x1b[1mGinkgo timed out waiting for all parallel procs to report back\x1b[0m\nTest suite: server (./suites/server)\n  Output from proc 1:\n  sockspec: suite server cannot run: loopback down\n  sockspec: suite ipc cannot run: other",
			"loopback down"},
		{"compile error", "Failed to compile server:\n\n# sockspec/suites/server [sockspec/suites/server.test]\n./x_test.go:3:9: undefined: y\n",
			"compile error: suites/server/x_test.go:3:9: undefined: y"},
		{"processes that never reported", "Ginkgo timed out waiting for all parallel procs to report back\nTest suite: server (./suites/server)\n\nOutput from proc 1:\n  Ginkgo detected configuration issues:\n  Syntax Error\n",
			"its parallel processes never reported to the ginkgo CLI; process 1 printed: Ginkgo detected configuration issues: Syntax Error"},
		{"a bad flag", "ginkgo run failed\n  flag provided but not defined: -bogus\n", "ginkgo failed: flag provided but not defined: -bogus"},
		{"another suite's error", "Failed to compile ipc:\n./x_test.go:1:1: y\n", ""},
	} {
		if got := FirstError(tc.output, "server"); got != tc.want {
			t.Errorf("%s: FirstError = %q, want %q", tc.name, got, tc.want)
		}
	}
}
