package main

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/platform"
	"sockspec/helpers/report"
)

func ranOn(p string) []types.Report {
	return []types.Report{{SuiteDescription: "server", SpecReports: []types.SpecReport{{
		LeafNodeType:  types.NodeTypeReportBeforeSuite,
		ReportEntries: []types.ReportEntry{{Name: report.PlatformEntry, Value: types.WrapEntryValue(p)}},
	}}}}
}

// A run asked to use gVisor whose suites say they ran on Linux did not run where it was
// asked to (a wrapper that did not wrap): the table says so and the run fails.
func TestPlatformOfChecksTheRuntime(t *testing.T) {
	t.Setenv(platform.RuntimeEnv, "gvisor")
	if got, problems := platformOf(ranOn(platform.GVisor)); got != platform.GVisor || len(problems) != 0 {
		t.Errorf("gVisor run on gVisor: %s, %v", got, problems)
	}
	got, problems := platformOf(ranOn(platform.Linux))
	if got != platform.Linux || len(problems) != 1 || !strings.Contains(problems[0], "the suites ran on linux, but this run was to run them on linux/gvisor") {
		t.Errorf("gVisor run on Linux: %s, %v", got, problems)
	}
	if got, problems := platformOf(nil); got != platform.GVisor || len(problems) != 0 {
		t.Errorf("no suite said: %s, %v; want the runtime's platform", got, problems)
	}
	t.Setenv(platform.RuntimeEnv, "")
	if got, problems := platformOf(ranOn(platform.Name())); got != platform.Name() || len(problems) != 0 {
		t.Errorf("a plain run: %s, %v", got, problems)
	}
}
