package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
)

// setupNodes run before a suite's first spec; when one fails, no spec of the suite runs.
// sockspec's start-up checks (suite.Run) fail in the ReportBeforeSuite node.
const setupNodes = types.NodeTypeReportBeforeSuite | types.NodeTypeBeforeSuite | types.NodeTypeSynchronizedBeforeSuite

// setupFailed says why a suite ran no spec, when a node before its specs failed.
func setupFailed(rep types.Report) (why string, failed bool) {
	for _, spec := range rep.SpecReports {
		if spec.LeafNodeType.Is(setupNodes) && spec.State.Is(types.SpecStateFailureStates) {
			why := short(spec.FailureMessage())
			if !spec.LeafNodeType.Is(types.NodeTypeReportBeforeSuite) {
				why = fmt.Sprintf("%s failed: %s", spec.LeafNodeType, why)
			}
			return why, true
		}
	}
	return "", false
}

// interruptedBy are Ginkgo's reasons for a suite stopped by a signal or by another process.
var interruptedBy = []string{"Interrupted by User", "Interrupted by Other Ginkgo Process"}

// SuiteRun is one suite of a run: its report, or why it left none.
type SuiteRun struct {
	Name   string        // the suite's package: "server"
	Report *types.Report // nil when the suite wrote no report
	Why    string        // without a report: the first error of the suite's output
}

// Run is what a whole run left behind.
type Run struct {
	Suites      []SuiteRun
	Interrupted string // the signal that stopped the run, if one did
}

// BuildRun is the whole run's table. A suite that ran no spec (it wrote no report, or its
// start-up failed) is named with its first error, and the claims without specs in the
// reports are "not run", not "NO SPEC": a suite that did not run cannot tell whether it has
// specs for them. The run fails when a suite did not run, when it was interrupted, when it
// ran no spec at all, and when its label filter asks for a claim none of whose specs ran.
func BuildRun(cat *catalog.Catalog, run Run, platform string) Table {
	var reports []types.Report
	var order []string
	notRun := map[string][]string{} // why -> suites
	var problems []string
	interrupted := run.Interrupted
	for _, s := range run.Suites {
		why := s.Why
		if s.Report != nil {
			reports = append(reports, *s.Report)
			for _, reason := range s.Report.SpecialSuiteFailureReasons {
				if slices.Contains(interruptedBy, reason) {
					interrupted = cmp.Or(interrupted, reason)
				} else {
					problems = append(problems, fmt.Sprintf("suite %s: %s", s.Name, reason))
				}
			}
			var failed bool
			if why, failed = setupFailed(*s.Report); !failed {
				continue
			}
		}
		switch {
		case why != "":
		case interrupted != "":
			why = "the run was interrupted before it ran"
		default:
			why = "it wrote no report"
		}
		if notRun[why] == nil {
			order = append(order, why)
		}
		notRun[why] = append(notRun[why], s.Name)
	}

	var because string
	var head, all []string
	for _, why := range order {
		head = append(head, fmt.Sprintf("%s did not run: %s", suites(notRun[why]), why))
		all = append(all, notRun[why]...)
	}
	if len(all) > 0 {
		because = suites(all) + " did not run"
	}
	if interrupted != "" {
		because = cmp.Or(because, "the run was interrupted")
		head = append(head, fmt.Sprintf("the run was interrupted (%s) before it finished: the results are partial", interrupted))
	}
	t := makeTable(cat, reports, platform, true, because)
	t.Interrupted = interrupted
	t.Problems = append(append(head, problems...), t.Problems...)
	t.checkSelection(reports)
	return t
}

// suites names one suite or several: "suite ipc", "suites ipc, server".
func suites(names []string) string {
	if len(names) == 1 {
		return "suite " + names[0]
	}
	return "suites " + strings.Join(names, ", ")
}

// checkSelection fails a run that checked nothing: no spec ran at all, or none of a claim
// its label filter asks for.
func (t *Table) checkSelection(reports []types.Report) {
	filter := ""
	for _, rep := range reports {
		filter = cmp.Or(filter, rep.SuiteConfig.LabelFilter)
	}
	ran := 0
	rows := map[string]Row{}
	for _, r := range t.Rows {
		rows[r.Claim.ID] = r
		ran += r.Passed + r.Failed + r.Skipped + r.Interrupted - r.Filtered
	}
	with := ""
	if filter != "" {
		with = fmt.Sprintf(" (label filter %q)", filter)
	}
	for _, id := range catalog.ClaimsIn(filter) {
		if r, ok := rows[id]; ok && r.Passed+r.Failed+r.Skipped+r.Interrupted-r.Filtered == 0 && r.NotRun == "" {
			t.Problems = append(t.Problems, fmt.Sprintf("the label filter asks for claim %s, but no spec of it ran%s", id, with))
		}
	}
	if ran == 0 {
		t.Problems = append(t.Problems, "the run checked nothing: no spec ran"+with)
	}
}

// short keeps a failure message to one line of reasonable length.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
