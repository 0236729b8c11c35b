package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
	"sockspec/helpers/skip"
)

// platformNode is a suite's ReportBeforeSuite, which records where it ran.
func platformNode(platform, arch string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStatePassed, ReportEntries: []types.ReportEntry{
		{Name: PlatformEntry, Value: types.WrapEntryValue(platform)},
		{Name: ArchEntry, Value: types.WrapEntryValue(arch)},
	}}
}

func observed(s types.SpecReport, key, value string) types.SpecReport {
	s.ReportEntries = append(s.ReportEntries, types.ReportEntry{Name: ObservedEntry, Value: types.WrapEntryValue(Observation{key, value})})
	return s
}

// run writes one run's report.json (through JSON, as make conformance does) and loads it.
func run(t *testing.T, cat *catalog.Catalog, platform, arch string, specs ...types.SpecReport) Result {
	t.Helper()
	dir := filepath.Join(t.TempDir(), strings.ReplaceAll(platform, "/", "-"))
	rep := types.Report{SuiteDescription: "s", SpecReports: append([]types.SpecReport{platformNode(platform, arch)}, specs...)}
	if err := WriteJSON([]types.Report{rep}, filepath.Join(dir, ReportFile)); err != nil {
		t.Fatal(err)
	}
	r, err := LoadResult(cat, dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompare(t *testing.T) {
	cat, err := catalog.Parse("claims.yaml", []byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	lseek := []string{"claim:fd.no-lseek"}
	port := []string{"claim:accept.shared-port"}
	skipped := spec("lseek on UDP", types.SpecStateSkipped, lseek)
	skipped.Failure = types.Failure{Message: skip.Message(skip.MissingFeature, "UDP")}
	linux := run(t, cat, "linux", "amd64",
		spec("lseek on TCP", types.SpecStatePassed, lseek, "TCP: ESPIPE"),
		spec("lseek on UDP", types.SpecStatePassed, lseek, "UDP: ESPIPE"),
		observed(spec("children", types.SpecStatePassed, port, "child ports: 5 5 5 (port 41234)"), "somaxconn", "4096"))
	gvisor := run(t, cat, "linux/gvisor", "amd64",
		spec("lseek on TCP", types.SpecStatePassed, lseek, "TCP: ESPIPE"),
		skipped,
		observed(spec("children", types.SpecStatePassed, port, "child ports: 7 7 7 (port 50000)"), "somaxconn", "128"))
	arm := run(t, cat, "linux", "arm64",
		spec("lseek on TCP", types.SpecStatePassed, lseek, "TCP: ESPIPE"),
		spec("lseek on UDP", types.SpecStatePassed, lseek, "UDP: ESPIPE"),
		observed(spec("children", types.SpecStatePassed, port, "child ports"), "somaxconn", "4096"))

	c := Compare([]Result{gvisor, linux, arm})
	if got := []string{c.Results[0].Name, c.Results[1].Name, c.Results[2].Name}; strings.Join(got, ",") != "linux amd64,linux arm64,linux/gvisor" {
		t.Errorf("column names %q: two runs of one platform are told apart by architecture", got)
	}
	md := c.Markdown()
	for _, want := range []string{
		"| Claim | linux amd64 | linux arm64 | linux/gvisor | Values that differ |",
		// The result differs: listed first, marked.
		"| `fd.no-lseek` (differs) | 2 passed | 2 passed | 1 passed, 1 skipped |  |",
		// Only the values differ (prose with ports never counts): second.
		"| `accept.shared-port` | 1 passed | 1 passed | 1 passed | somaxconn: 4096 on linux amd64, linux arm64; 128 on linux/gvisor |",
		"| `ws.over-tcp` | no spec ran | no spec ran | no spec ran |  |",
		"3 claims: the result differs on 1, values differ on 1 more, the same on 1.",
		"- `fd.no-lseek` on linux/gvisor: environment (kernel lacks): UDP",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the comparison lacks\n  %s\n%s", want, md)
		}
	}
	if i, j := strings.Index(md, "`fd.no-lseek`"), strings.Index(md, "`accept.shared-port`"); i > j {
		t.Errorf("a claim whose result differs must come before one whose values differ:\n%s", md)
	}
}

// The control: runs that agree show no difference at all.
func TestCompareSame(t *testing.T) {
	cat, _ := catalog.Parse("claims.yaml", []byte(claims))
	a := run(t, cat, "linux", "amd64", observed(spec("children", types.SpecStatePassed, []string{"claim:accept.shared-port"}, "x"), "somaxconn", "4096"))
	b := run(t, cat, "darwin", "arm64", observed(spec("children", types.SpecStatePassed, []string{"claim:accept.shared-port"}, "y"), "somaxconn", "4096"))
	md := Compare([]Result{a, b}).Markdown()
	if !strings.Contains(md, "| `accept.shared-port` | 1 passed | 1 passed |  |") || !strings.Contains(md, "the result differs on 0, values differ on 0 more") {
		t.Errorf("equal runs compared as different:\n%s", md)
	}
}

func TestLoadResultErrors(t *testing.T) {
	cat, _ := catalog.Parse("claims.yaml", []byte(claims))
	dir := t.TempDir()
	if _, err := LoadResult(cat, dir); err == nil || !strings.Contains(err.Error(), dir+": no report.json") {
		t.Errorf("a directory without report.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, ReportFile), []byte("<html>"), 0o644)
	if _, err := LoadResult(cat, dir); err == nil || !strings.Contains(err.Error(), "not a Ginkgo JSON report") {
		t.Errorf("a report that is not JSON: %v", err)
	}
	two := []types.Report{
		{SuiteDescription: "a", SpecReports: []types.SpecReport{platformNode("linux", "amd64")}},
		{SuiteDescription: "b", SpecReports: []types.SpecReport{platformNode("linux/gvisor", "amd64")}},
	}
	WriteJSON(two, filepath.Join(dir, ReportFile))
	if _, err := LoadResult(cat, dir); err == nil || !strings.Contains(err.Error(), "the suites ran on different platforms: linux (a); linux/gvisor (b)") {
		t.Errorf("suites of one run on two platforms: %v", err)
	}
}
