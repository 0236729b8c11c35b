package report

import (
	"fmt"
	"regexp"
	"strings"
)

// StartupMarker starts the line a suite prints when it cannot run (suite.Run): under
// ginkgo -p that line may be all that is left of a suite whose processes never reached the
// ginkgo CLI, buried in the CLI's "timed out waiting for all parallel procs".
const StartupMarker = "sockspec: "

var (
	ansi    = regexp.MustCompile("\x1b\\[[0-9;]*m")
	goError = regexp.MustCompile(`\S+\.go:\d+(:\d+)?: \S`)
)

// FirstError finds, in what `ginkgo -r` printed, the first error that says why suite wrote
// no report: its own start-up error, its compile error, its parallel processes that never
// reported (and what they printed), or an error of the ginkgo command itself (a bad flag);
// "" when the output does not say.
func FirstError(output, suite string) string {
	lines := strings.Split(ansi.ReplaceAllString(output, ""), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	find := func(from int, prefix string) int {
		for i := from; i >= 0 && i < len(lines); i++ {
			if strings.HasPrefix(lines[i], prefix) {
				return i
			}
		}
		return -1
	}
	// next joins up to n non-empty lines after line i.
	next := func(i, n int) string {
		var out []string
		for _, l := range lines[i+1:] {
			if l != "" && len(out) < n {
				out = append(out, l)
			}
		}
		return strings.Join(out, " ")
	}
	if i := find(0, fmt.Sprintf("%ssuite %s cannot run: ", StartupMarker, suite)); i >= 0 {
		return strings.TrimPrefix(lines[i], StartupMarker+"suite "+suite+" cannot run: ")
	}
	if i := find(0, "Failed to compile "+suite+":"); i >= 0 {
		for _, l := range lines[i+1:] {
			if goError.MatchString(l) {
				return "compile error: " + strings.Replace(l, "./", "suites/"+suite+"/", 1)
			}
		}
		return "compile error: " + next(i, 2)
	}
	if i := find(0, "Test suite: "+suite+" ("); i >= 0 {
		why := "its parallel processes never reported to the ginkgo CLI"
		if j := find(i, "Output from proc 1:"); j >= 0 && !strings.HasPrefix(next(j, 1), "Exit result") {
			why += "; process 1 printed: " + next(j, 3)
		}
		return why
	}
	if i := find(0, "ginkgo run failed"); i >= 0 {
		return "ginkgo failed: " + next(i, 1)
	}
	return ""
}
