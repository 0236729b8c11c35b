// Package report turns Ginkgo's JSON reports into the claims table: one row per claim of
// the catalog with its verdict, what this kernel did (the specs' evidence entries) and, for
// failures, what was expected and what was observed.
package report

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
	"sockspec/helpers/skip"
)

// EvidenceEntry names the report entries that record what the kernel did.
const EvidenceEntry = "evidence"

// Evidence records what the kernel did, for the report and for `ginkgo -v`.
func Evidence(format string, args ...any) {
	ginkgo.AddReportEntry(EvidenceEntry, fmt.Sprintf(format, args...), ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// Row is one claim's outcome.
type Row struct {
	Claim                   *catalog.Claim
	Passed, Failed, Skipped int
	Interrupted             int // specs stopped by an interrupt (SIGINT): not the kernel's doing
	Filtered                int // of Skipped: not selected by the run's filters (skipped without a reason)
	Evidence                []string
	Observed                []Observation // the values the specs recorded for comparing platforms
	Failures                []string      // "spec (file:line): message"
	SkipReasons             []string
	NotRun                  string // why a claim without specs in the reports may still have some: a suite did not run
}

// Result says in a few words what happened to the claim on this run.
func (r Row) Result() string {
	total := r.Passed + r.Failed + r.Skipped + r.Interrupted
	switch {
	case total == 0 && r.NotRun != "":
		return "not run: " + r.NotRun
	case total == 0 && r.Claim.Planned != "":
		return "no spec yet (" + r.Claim.Planned + ")"
	case total == 0:
		return "NO SPEC"
	case r.Failed > 0:
		return fmt.Sprintf("FAILED %d of %d", r.Failed, total)
	case r.Interrupted > 0:
		return fmt.Sprintf("INTERRUPTED: %d of %d passed before the run was stopped", r.Passed, total)
	case r.Passed > 0 && r.Skipped > 0:
		return fmt.Sprintf("passed %d, skipped %d: %s", r.Passed, r.Skipped, strings.Join(unique(r.SkipReasons), "; "))
	case r.Passed > 0:
		return fmt.Sprintf("passed %d/%d", r.Passed, total)
	default:
		return "skipped: " + strings.Join(unique(r.SkipReasons), "; ")
	}
}

// Coverage is how much of a claim a run checked.
type Coverage string

const (
	Failed     Coverage = "failed"               // a spec failed
	Checked    Coverage = "checked"              // every spec ran and passed
	Partly     Coverage = "partly checked"       // some specs passed, others were skipped
	NotChecked Coverage = "not checked"          // no spec passed: all skipped, or none exists
	Planned    Coverage = "planned, no spec yet" // the catalog says which issue adds its specs
	NotRun     Coverage = "not run"              // its suite did not run, or the run stopped first
)

// Coverage says how much of the claim this run checked.
func (r Row) Coverage() Coverage {
	total := r.Passed + r.Skipped + r.Failed + r.Interrupted
	switch {
	case r.Failed > 0:
		return Failed
	case r.Interrupted > 0 || total == 0 && r.NotRun != "":
		return NotRun
	case total == 0 && r.Claim.Planned != "":
		return Planned
	case r.Passed == 0:
		return NotChecked
	case r.Skipped > 0:
		return Partly
	}
	return Checked
}

// EnvironmentOnly tells whether every skip of the claim's specs names a declared
// environment reason (helpers/skip): this machine could not run them, nobody chose not to.
func (r Row) EnvironmentOnly() bool {
	for _, reason := range r.SkipReasons {
		if _, _, ok := skip.ReasonOf(reason); !ok {
			return false
		}
	}
	return len(r.SkipReasons) > 0
}

// Table is the outcome of a run, claim by claim.
type Table struct {
	Platform    string // what the suites ran on: "linux", "linux/gvisor", "darwin", "freebsd"
	Rows        []Row
	Problems    []string // specs and suites that do not fit the catalog, suites that failed outside specs
	Interrupted string   // the run was stopped before it finished: how
}

// Build matches the specs of reports to the catalog's claims. With complete set, the reports
// are the whole run, so a claim without `planned` and without a spec is a problem; otherwise
// (one suite's report) only the claims that suite covers get a row.
func Build(cat *catalog.Catalog, reports []types.Report, platform string, complete bool) Table {
	t := makeTable(cat, reports, platform, complete, "")
	for _, rep := range reports {
		if why, failed := setupFailed(rep); failed {
			t.Problems = append(t.Problems, fmt.Sprintf("%s: no spec ran: %s", rep.SuiteDescription, why))
		}
	}
	return t
}

// makeTable makes the table. notRun, when set, says why claims without a spec in the reports may
// still have specs (a suite did not run); they are not reported as lacking one.
func makeTable(cat *catalog.Catalog, reports []types.Report, platform string, complete bool, notRun string) Table {
	t := Table{Platform: platform}
	rows := map[string]*Row{}
	for _, cl := range cat.Claims {
		rows[cl.ID] = &Row{Claim: cl}
	}
	for _, rep := range reports {
		// Specs ran in random order and in parallel; list evidence in source order.
		specs := slices.Clone(rep.SpecReports)
		slices.SortStableFunc(specs, func(a, b types.SpecReport) int {
			return cmp.Or(strings.Compare(a.LeafNodeLocation.FileName, b.LeafNodeLocation.FileName),
				cmp.Compare(a.LeafNodeLocation.LineNumber, b.LeafNodeLocation.LineNumber),
				strings.Compare(a.LeafNodeText, b.LeafNodeText))
		})
		for _, spec := range specs {
			if spec.LeafNodeType != types.NodeTypeIt {
				if spec.State.Is(types.SpecStateFailureStates) && !spec.LeafNodeType.Is(setupNodes) {
					t.Problems = append(t.Problems, fmt.Sprintf("%s: %s failed at %s: %s", rep.SuiteDescription, spec.LeafNodeType, spec.FailureLocation(), spec.FailureMessage()))
				}
				continue
			}
			cl, err := cat.ClaimOf(spec.Labels())
			if err != nil {
				t.Problems = append(t.Problems, fmt.Sprintf("spec %q (%s:%d): %v", spec.FullText(), filepath.Base(spec.FileName()), spec.LineNumber(), err))
				continue
			}
			if spec.State == types.SpecStatePassed && !hasEvidence(spec) {
				t.Problems = append(t.Problems, fmt.Sprintf("spec %q (%s:%d) passed without recording what the kernel did: call suite.Evidence", spec.FullText(), filepath.Base(spec.FileName()), spec.LineNumber()))
			}
			rows[cl.ID].add(spec)
		}
	}
	for _, cl := range cat.Claims {
		r := rows[cl.ID]
		specs := r.Passed + r.Failed + r.Skipped + r.Interrupted
		switch {
		case specs == 0 && !complete:
			continue
		case specs == 0 && notRun != "":
			r.NotRun = notRun
		case specs == 0 && cl.Planned == "":
			t.Problems = append(t.Problems, fmt.Sprintf("claim %s (%s:%d) has no spec: label one with claim:%s, or mark the claim planned", cl.ID, cl.File, cl.Line, cl.ID))
		case specs > 0 && cl.Planned != "" && complete:
			t.Problems = append(t.Problems, fmt.Sprintf("claim %s (%s:%d) has specs but is still marked planned %q: remove planned", cl.ID, cl.File, cl.Line, cl.Planned))
		}
		t.Rows = append(t.Rows, *r)
	}
	return t
}

func hasEvidence(spec types.SpecReport) bool {
	return slices.ContainsFunc(spec.ReportEntries, func(e types.ReportEntry) bool { return e.Name == EvidenceEntry })
}

func (r *Row) add(spec types.SpecReport) {
	for _, e := range spec.ReportEntries {
		switch e.Name {
		case EvidenceEntry:
			r.Evidence = append(r.Evidence, e.StringRepresentation())
		case ObservedEntry:
			if o, ok := observation(e); ok {
				r.Observed = append(r.Observed, o)
			}
		}
	}
	switch {
	case spec.State == types.SpecStatePassed:
		r.Passed++
	case spec.State == types.SpecStateInterrupted:
		r.Interrupted++
	case spec.State.Is(types.SpecStateFailureStates):
		r.Failed++
		loc := spec.FailureLocation()
		r.Failures = append(r.Failures, fmt.Sprintf("%s (%s:%d): %s", spec.FullText(), filepath.Base(loc.FileName), loc.LineNumber, spec.FailureMessage()))
	default: // skipped by Skip(), by the label filter, or pending
		r.Skipped++
		reason := spec.FailureMessage()
		if reason == "" {
			r.Filtered++
			reason = "not selected by the run's filters"
		}
		r.SkipReasons = append(r.SkipReasons, reason)
	}
}

// RequireChecked adds a problem for each claim that no spec passed, unless every skip of its
// specs names a declared environment reason (the ci profile's fail_on_unchecked).
func (t *Table) RequireChecked() {
	for _, r := range t.Rows {
		if r.Coverage() != NotChecked || r.EnvironmentOnly() || r.NotRun != "" {
			continue
		}
		why := "it has no spec"
		if len(r.SkipReasons) > 0 {
			why = "its specs were skipped, not for a declared environment reason: " + strings.Join(unique(r.SkipReasons), "; ")
		}
		t.Problems = append(t.Problems, fmt.Sprintf("claim %s (%s:%d) was not checked: %s. With fail_on_unchecked every claim must be checked, or skipped with skip.Because for a reason of this machine",
			r.Claim.ID, r.Claim.File, r.Claim.Line, why))
	}
}

// Summary counts the claims by coverage and says why each one was not fully checked.
func (t Table) Summary() string {
	count := map[Coverage]int{}
	var why []string
	notRun := map[string][]string{} // reason -> claims, said once: a suite that did not run takes many
	var notRunOrder []string
	for _, r := range t.Rows {
		c := r.Coverage()
		count[c]++
		switch {
		case c == NotRun:
			reason := r.NotRun
			if r.Interrupted > 0 {
				reason = "the run was stopped while its specs ran"
			}
			if notRun[reason] == nil {
				notRunOrder = append(notRunOrder, reason)
			}
			notRun[reason] = append(notRun[reason], "`"+r.Claim.ID+"`")
		case c == Partly || c == NotChecked:
			reasons := unique(r.SkipReasons)
			if len(reasons) == 0 {
				reasons = []string{"no spec"}
			}
			why = append(why, fmt.Sprintf("- `%s` %s: %s", r.Claim.ID, c, strings.Join(reasons, "; ")))
		}
	}
	for _, reason := range notRunOrder {
		why = append(why, fmt.Sprintf("- %s not run: %s", strings.Join(notRun[reason], ", "), reason))
	}
	line := fmt.Sprintf("Claims on %s: %d checked, %d partly checked, %d not checked, %d failed", t.Platform,
		count[Checked], count[Partly], count[NotChecked], count[Failed])
	if count[NotRun] > 0 {
		line += fmt.Sprintf(", %d not run", count[NotRun])
	}
	if count[Planned] > 0 {
		line += fmt.Sprintf(", %d planned", count[Planned])
	}
	line += fmt.Sprintf(" (of %d).\n", len(t.Rows))
	if len(why) > 0 {
		line += strings.Join(why, "\n") + "\n"
	}
	return line
}

// Failed tells whether any claim failed, the run was interrupted, or it does not fit the catalog.
func (t Table) Failed() bool {
	for _, r := range t.Rows {
		if r.Failed > 0 {
			return true
		}
	}
	return len(t.Problems) > 0 || t.Interrupted != ""
}

// Markdown renders the table, the corrections of the claims the tutorial gets wrong, and
// the problems.
func (t Table) Markdown() string {
	var b strings.Builder
	if t.Interrupted != "" {
		fmt.Fprintf(&b, "**INTERRUPTED** (%s): the run stopped before it finished; these results are partial.\n\n", t.Interrupted)
	}
	fmt.Fprintf(&b, "| Claim | Verdict | Result on %s | Evidence (what the kernel did) | Expected vs observed (failures) |\n", t.Platform)
	b.WriteString("|---|---|---|---|---|\n")
	var corrections []string
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Claim.ID, r.Claim.Verdict, r.Result(),
			cell(strings.Join(r.Evidence, "; ")), cell(strings.Join(r.Failures, " // ")))
		if r.Claim.Correction != "" {
			corrections = append(corrections, fmt.Sprintf("- `%s` (%s): %s", r.Claim.ID, r.Claim.Verdict, r.Claim.Correction))
		}
	}
	if len(corrections) > 0 {
		b.WriteString("\nWhere the tutorial is wrong or half right:\n")
		b.WriteString(strings.Join(corrections, "\n") + "\n")
	}
	if len(t.Problems) > 0 {
		b.WriteString("\nProblems:\n")
		for _, p := range t.Problems {
			b.WriteString("- " + p + "\n")
		}
	}
	b.WriteString("\n" + t.Summary())
	return b.String()
}

// cell keeps a value on one table row.
func cell(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "|", `\|`)), " ")
}

func unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
