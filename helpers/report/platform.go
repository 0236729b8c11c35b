package report

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// PlatformEntry names the report entry in which a suite says what it ran on (helpers/platform:
// "linux", "linux/gvisor", "darwin", "freebsd"), detected inside the suite's own process: the
// command that merges the reports may run elsewhere (outside gVisor's sandbox, on another
// machine).
const PlatformEntry = "platform"

// ArchEntry names the report entry with the suite's GOARCH, which tells apart two runs of
// one platform (Linux on amd64 and on arm64) in a comparison.
const ArchEntry = "arch"

// RecordPlatform records the platform and the architecture in the node that runs it (the
// suite's ReportBeforeSuite), so the suite's report carries them.
func RecordPlatform(name string) {
	ginkgo.AddReportEntry(PlatformEntry, name, ginkgo.ReportEntryVisibilityNever)
	ginkgo.AddReportEntry(ArchEntry, runtime.GOARCH, ginkgo.ReportEntryVisibilityNever)
}

// PlatformOf is the platform the reports' suites say they ran on; "" when none says. Suites
// that disagree are an error: their results cannot make one platform's table.
func PlatformOf(reports []types.Report) (string, error) {
	seen := map[string][]string{} // platform -> suites
	var order []string
	for _, rep := range reports {
		for _, spec := range rep.SpecReports {
			for _, e := range spec.ReportEntries {
				if e.Name != PlatformEntry {
					continue
				}
				p := strings.Trim(e.Value.AsJSON, `"`)
				if s, ok := e.GetRawValue().(string); ok {
					p = s
				}
				if !slices.Contains(seen[p], rep.SuiteDescription) {
					if seen[p] == nil {
						order = append(order, p)
					}
					seen[p] = append(seen[p], rep.SuiteDescription)
				}
			}
		}
	}
	switch len(order) {
	case 0:
		return "", nil
	case 1:
		return order[0], nil
	}
	var each []string
	for _, p := range order {
		each = append(each, fmt.Sprintf("%s (%s)", p, strings.Join(seen[p], ", ")))
	}
	return "", fmt.Errorf("the suites ran on different platforms: %s", strings.Join(each, "; "))
}
