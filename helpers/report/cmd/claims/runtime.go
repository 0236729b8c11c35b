package main

import (
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/platform"
	"sockspec/helpers/report"
)

// The runtime the suites run under (make RUNTIME=gvisor sets SOCKSPEC_RUNTIME): the command
// that starts them is prefixed with `runsc … do`, and the table checks that the suites
// really ran there.

// underRuntime is argv as the run's runtime runs it, or why this machine cannot.
func underRuntime(argv []string) ([]string, error) {
	return platform.Wrap(os.Getenv(platform.RuntimeEnv), argv)
}

// expectedPlatform is what the suites should say they ran on: gVisor under runtime gvisor,
// else this machine's own platform.
func expectedPlatform() string {
	if os.Getenv(platform.RuntimeEnv) == "gvisor" {
		return platform.GVisor
	}
	return platform.Name()
}

// platformOf is the platform the suites' reports name (they detect it in their own
// process), and the problems with it: suites that disagree, or a platform other than the
// runtime asked for (a wrapper that did not wrap).
func platformOf(reports []types.Report) (string, []string) {
	want := expectedPlatform()
	got, err := report.PlatformOf(reports)
	switch {
	case err != nil:
		return want, []string{err.Error()}
	case got == "":
		return want, nil // no suite ran far enough to say
	case got != want:
		return got, []string{fmt.Sprintf("the suites ran on %s, but this run was to run them on %s (%s=%q)", got, want, platform.RuntimeEnv, os.Getenv(platform.RuntimeEnv))}
	}
	return got, nil
}
