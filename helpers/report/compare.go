package report

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
	"sockspec/helpers/platform"
)

// A comparison puts runs on different platforms side by side (make compare): one row per
// claim, one column per run with its pass, fail and skip counts, and, where the specs
// recorded different values (suite.Observed) on different platforms, those values.

// ReportFile is the merged report a run's directory holds (profile reports.json).
const ReportFile = "report.json"

// Result is one run of the comparison.
type Result struct {
	Dir      string // the directory its report came from
	Platform string // what its suites said they ran on
	Arch     string // GOARCH of its suites
	Name     string // its column's name: the platform, with the architecture or directory where two runs share it
	Table    Table
}

// LoadResult reads the run in dir (dir/report.json) against the catalog.
func LoadResult(cat *catalog.Catalog, dir string) (Result, error) {
	file := filepath.Join(dir, ReportFile)
	reports, err := ReadJSON([]string{file})
	if errors.Is(err, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("%s: no %s: give the directory a run wrote its reports to (make conformance REPORTS=%s); if its run did not start, its claims.md says why", dir, ReportFile, dir)
	}
	if err != nil {
		return Result{}, err
	}
	p, err := PlatformOf(reports)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", file, err)
	}
	if p == "" {
		p = "unknown"
	}
	r := Result{Dir: dir, Platform: p, Arch: archOf(reports), Table: makeTable(cat, reports, p, true, "")}
	return r, nil
}

// Compare makes the comparison of results, which need not be of distinct platforms. The
// columns go in helpers/platform's order (linux, linux/gvisor, darwin, freebsd).
func Compare(results []Result) Comparison {
	results = slices.Clone(results)
	slices.SortStableFunc(results, func(a, b Result) int {
		return cmp.Compare(order(a.Platform), order(b.Platform))
	})
	names := map[string]int{}
	for _, r := range results {
		names[r.Platform]++
	}
	withArch := map[string]int{}
	for i, r := range results {
		results[i].Name = r.Platform
		if names[r.Platform] > 1 && r.Arch != "" {
			results[i].Name += " " + r.Arch
		}
		withArch[results[i].Name]++
	}
	for i, r := range results {
		if withArch[r.Name] > 1 {
			results[i].Name += " (" + r.Dir + ")"
		}
	}
	c := Comparison{Results: results}
	if len(results) == 0 {
		return c
	}
	for i, row := range results[0].Table.Rows {
		line := Line{Claim: row.Claim}
		for _, r := range results {
			line.Cells = append(line.Cells, r.Table.Rows[i])
		}
		line.ResultDiffers = slices.ContainsFunc(line.Cells, func(x Row) bool { return counts(x) != counts(line.Cells[0]) })
		line.Values = differing(results, i)
		c.Lines = append(c.Lines, line)
	}
	// Claims whose result differs first, then those whose values differ; catalog order within.
	slices.SortStableFunc(c.Lines, func(a, b Line) int { return a.rank() - b.rank() })
	return c
}

// Comparison is the comparison of runs, claim by claim.
type Comparison struct {
	Results []Result
	Lines   []Line
}

// Line is one claim across the runs.
type Line struct {
	Claim         *catalog.Claim
	Cells         []Row // one per run, in the order of Results
	ResultDiffers bool  // the pass, fail and skip counts are not the same on every run
	Values        []Value
}

func (l Line) rank() int {
	switch {
	case l.ResultDiffers:
		return 0
	case len(l.Values) > 0:
		return 1
	}
	return 2
}

// Value is one observed key whose values are not the same on every run.
type Value struct {
	Key    string
	ByRun  []string // per run: its values joined, or "" where no spec recorded the key
	Groups []Group  // runs with the same value, in the order first seen
}

// Group is the runs that showed one value.
type Group struct {
	Value string
	Runs  []string
}

func (v Value) String() string {
	var parts []string
	for _, g := range v.Groups {
		parts = append(parts, fmt.Sprintf("%s on %s", g.Value, strings.Join(g.Runs, ", ")))
	}
	return fmt.Sprintf("%s: %s", v.Key, strings.Join(parts, "; "))
}

// differing lists the keys of row i whose values are not the same on every run.
func differing(results []Result, i int) []Value {
	var keys []string
	byRun := make([]map[string][]string, len(results))
	for j, r := range results {
		byRun[j] = map[string][]string{}
		for _, o := range r.Table.Rows[i].Observed {
			if !slices.Contains(keys, o.Key) {
				keys = append(keys, o.Key)
			}
			if !slices.Contains(byRun[j][o.Key], o.Value) {
				byRun[j][o.Key] = append(byRun[j][o.Key], o.Value)
			}
		}
	}
	var out []Value
	for _, k := range keys {
		v := Value{Key: k}
		for j, r := range results {
			got := strings.Join(byRun[j][k], " / ")
			v.ByRun = append(v.ByRun, got)
			if got == "" {
				got = "—" // its spec did not run there (skipped, or the OS has no such thing)
			}
			at := slices.IndexFunc(v.Groups, func(g Group) bool { return g.Value == got })
			if at < 0 {
				v.Groups, at = append(v.Groups, Group{Value: got}), len(v.Groups)
			}
			v.Groups[at].Runs = append(v.Groups[at].Runs, r.Name)
		}
		if len(v.Groups) > 1 {
			out = append(out, v)
		}
	}
	return out
}

// counts says how a claim's specs ended on one run: "6 passed, 1 skipped".
func counts(r Row) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{r.Passed, "passed"}, {r.Failed, "FAILED"}, {r.Skipped - r.Filtered, "skipped"}, {r.Filtered, "not selected"}, {r.Interrupted, "interrupted"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return "no spec ran"
	}
	return strings.Join(parts, ", ")
}

// Markdown renders the comparison: the runs, the table, then why specs were skipped or
// failed where results differ.
func (c Comparison) Markdown() string {
	var b strings.Builder
	b.WriteString("# sockspec: the tutorial's claims compared across platforms\n\n")
	for _, r := range c.Results {
		fmt.Fprintf(&b, "- **%s**: %s (%s)\n", r.Name, r.Dir, cmp.Or(r.Arch, "architecture not recorded"))
	}
	b.WriteString("\n| Claim |")
	for _, r := range c.Results {
		fmt.Fprintf(&b, " %s |", r.Name)
	}
	b.WriteString(" Values that differ |\n|---|")
	b.WriteString(strings.Repeat("---|", len(c.Results)+1) + "\n")
	differ, values := 0, 0
	for _, l := range c.Lines {
		mark := ""
		if l.ResultDiffers {
			mark, differ = " (differs)", differ+1
		} else if len(l.Values) > 0 {
			values++
		}
		fmt.Fprintf(&b, "| `%s`%s |", l.Claim.ID, mark)
		for _, cell := range l.Cells {
			fmt.Fprintf(&b, " %s |", counts(cell))
		}
		var vs []string
		for _, v := range l.Values {
			vs = append(vs, v.String())
		}
		fmt.Fprintf(&b, " %s |\n", cell(strings.Join(vs, "<br>")))
	}
	fmt.Fprintf(&b, "\n%d claims: the result differs on %d, values differ on %d more, the same on %d.\n", len(c.Lines), differ, values, len(c.Lines)-differ-values)
	var why []string
	for _, l := range c.Lines {
		if !l.ResultDiffers {
			continue
		}
		for j, cell := range l.Cells {
			for _, reason := range unique(append(slices.Clone(cell.Failures), cell.SkipReasons...)) {
				why = append(why, fmt.Sprintf("- `%s` on %s: %s", l.Claim.ID, c.Results[j].Name, cell1(reason)))
			}
		}
	}
	if len(why) > 0 {
		b.WriteString("\nWhere the results differ, what the specs said:\n" + strings.Join(why, "\n") + "\n")
	}
	return b.String()
}

// cell1 keeps a reason on one line of a list.
func cell1(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteComparison writes the comparison's Markdown to dst, readable by everyone.
func WriteComparison(c Comparison, dst string) error {
	return Write(dst, []byte(c.Markdown()))
}

// archOf is the GOARCH the reports' suites recorded.
func archOf(reports []types.Report) string {
	for _, rep := range reports {
		for _, spec := range rep.SpecReports {
			for _, e := range spec.ReportEntries {
				if e.Name == ArchEntry {
					return strings.Trim(e.Value.AsJSON, `"`)
				}
			}
		}
	}
	return ""
}

// order is a platform's place among the columns; unknown ones go last.
func order(p string) int {
	if i := slices.Index(platform.Known, p); i >= 0 {
		return i
	}
	return len(platform.Known)
}
