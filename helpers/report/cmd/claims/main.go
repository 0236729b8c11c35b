// Command claims runs the conformance suites and turns their reports into the run's reports:
// it merges the per-suite JSON and JUnit files the profile names, writes the claims table and
// prints it, ending with how many claims were checked, partly checked and not checked, and
// why. It exits 1 when a claim failed, a suite did not run (with its first error), the run
// was interrupted or checked nothing, specs and catalog do not match, or (profile
// fail_on_unchecked) a claim was not checked for a reason other than this machine's.
//
//	claims run [ginkgo flags]  prepare, run every suite, merge (make conformance, a bundle's run)
//	claims prepare             check ginkgo.yaml, the catalog and this machine; remove the previous run's reports and leftovers
//	claims merge               merge the reports in the profile's directory, write the claims table, print it
//
// It runs the suites' precompiled test binaries (<suite>.test) with the ginkgo CLI
// (ginkgo), both found in its own directory: out/bin in a checkout (make conformance builds
// them there, only when their sources changed), bin/ in a bundle of make dist. The data
// files come from repo.Root.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/catalog"
	"sockspec/helpers/preflight"
	"sockspec/helpers/profile"
	"sockspec/helpers/repo"
	"sockspec/helpers/report"
)

func main() {
	if len(os.Args) < 2 || !slices.Contains([]string{"run", "prepare", "merge"}, os.Args[1]) || os.Args[1] != "run" && len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: claims run [ginkgo flags] | claims prepare | claims merge (the profile comes from $"+profile.EnvVar+")")
		os.Exit(2)
	}
	c, err := load()
	if err == nil {
		switch os.Args[1] {
		case "run":
			err = c.run(os.Args[2:])
		case "prepare":
			err = c.prepare(nil)
		case "merge":
			err = c.merge("")
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockspec:", err)
		os.Exit(1)
	}
}

// errFailed ends a run whose table says what went wrong.
var errFailed = errors.New("claims failed, a suite did not run, or the run does not match fixtures/claims.yaml (see above)")

// config is what every subcommand reads first.
type config struct {
	root   string // the data files' directory (repo.Root)
	bin    string // this command's directory, holding the suite binaries and the ginkgo CLI
	p      profile.Profile
	cat    *catalog.Catalog
	suites []string // the suites' package names, in order
}

func load() (*config, error) {
	root, err := repo.Root()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the directory of the suite binaries: %w", err)
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return nil, err
	}
	p, err := profile.Select(filepath.Join(root, "ginkgo.yaml"), os.Getenv(profile.EnvVar))
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load(filepath.Join(root, "fixtures", "claims.yaml"))
	if err != nil {
		return nil, err
	}
	c := &config{root: root, bin: filepath.Dir(self), p: p, cat: cat}
	// In a checkout the suites are its packages under suites/, whether or not each has a
	// binary; in a bundle, the binaries it holds.
	dirs, _ := filepath.Glob(filepath.Join(root, "suites", "*"))
	for _, dir := range dirs {
		if tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go")); len(tests) > 0 {
			c.suites = append(c.suites, filepath.Base(dir))
		}
	}
	if len(c.suites) == 0 {
		binaries, _ := filepath.Glob(filepath.Join(c.bin, "*"+binarySuffix))
		for _, b := range binaries {
			c.suites = append(c.suites, strings.TrimSuffix(filepath.Base(b), binarySuffix))
		}
	}
	return c, nil
}

func (c *config) logDir() string  { return filepath.Join(c.p.Dir(c.root), "logs") }
func (c *config) logFile() string { return filepath.Join(c.logDir(), "ginkgo.log") }

func (c *config) outputs() (jsonOut, junitOut, claimsOut string) {
	return c.p.Path(c.root, c.p.Reports.JSON), c.p.Path(c.root, c.p.Reports.JUnit), c.p.Path(c.root, c.p.Reports.Claims)
}

// prepare checks the label filter the ginkgo flags give and this machine, then removes the
// previous run's reports and what killed runs left behind. A machine that cannot run the
// suites stops the run here, with one error naming the cause.
func (c *config) prepare(ginkgoFlags []string) error {
	filter := labelFilter(ginkgoFlags)
	s, r := types.NewDefaultSuiteConfig(), types.NewDefaultReporterConfig()
	s.LabelFilter = filter
	c.p.Apply(&s, &r, c.root, "")
	if err := c.cat.CheckFilter(s.LabelFilter); err != nil {
		return err
	}
	jsonOut, junitOut, claimsOut := c.outputs()
	for _, f := range []string{c.p.SuiteReportDir(c.root), c.logDir(), jsonOut, junitOut, claimsOut} {
		if err := os.RemoveAll(f); err != nil {
			return fmt.Errorf("removing the previous run's reports: %w (did another user write them? remove %s)", err, c.p.Dir(c.root))
		}
	}
	c.removeLeftovers()
	if len(c.suites) == 0 {
		return fmt.Errorf("no suites: neither %s nor %s holds any", filepath.Join(c.root, "suites"), filepath.Join(c.bin, "*"+binarySuffix))
	}
	if err := preflight.Check(); err != nil {
		const what = "this machine cannot run the suites (no claim was checked):"
		problems := strings.Split(err.Error(), "\n")
		c.writeTable("**NOT RUN**: " + what + "\n- " + strings.Join(problems, "\n- ") + "\n")
		return errors.New(what + "\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// removeLeftovers removes what a killed `go tool ginkgo -r` leaves in a checkout: the
// suites it compiled in their package directories. (A run of the precompiled binaries
// leaves nothing: the fixture programs are the binaries themselves.)
func (c *config) removeLeftovers() {
	binaries, _ := filepath.Glob(filepath.Join(c.root, "suites", "*", "*.test"))
	for _, b := range binaries {
		os.Remove(b)
	}
}

// labelFilter reads --label-filter from ginkgo flags, in any of the forms ginkgo accepts.
func labelFilter(flags []string) string {
	for i, f := range flags {
		name, value, hasValue := flagName(f)
		if name != "label-filter" {
			continue
		}
		if hasValue {
			return value
		}
		if i+1 < len(flags) {
			return flags[i+1]
		}
	}
	return ""
}

// verbosityGiven tells whether ginkgo flags choose how much ginkgo prints (-v, -vv, --succinct).
func verbosityGiven(flags []string) bool {
	return slices.ContainsFunc(flags, func(f string) bool {
		name, _, _ := flagName(f)
		return name == "v" || name == "vv" || name == "succinct"
	})
}

// flagName splits "--name=value" or "-name"; name is "" for an argument that is no flag.
func flagName(f string) (name, value string, hasValue bool) {
	if !strings.HasPrefix(f, "-") {
		return "", "", false
	}
	return strings.Cut(strings.TrimLeft(f, "-"), "=")
}

// writeTable writes the claims table file alone, for a run that has no table yet.
func (c *config) writeTable(body string) {
	_, _, claimsOut := c.outputs()
	report.Write(claimsOut, []byte(c.title()+body))
}

func (c *config) title() string {
	return c.titleOn(expectedPlatform())
}

func (c *config) titleOn(platform string) string {
	return fmt.Sprintf("# sockspec: the tutorial's claims on %s (profile %s)\n\n", platform, c.p.Name)
}

// merge reads each suite's report (or, for a suite that wrote none, the first error of its
// output), writes the merged reports and the claims table, and prints the table.
func (c *config) merge(interrupted string) error {
	suiteDir := c.p.SuiteReportDir(c.root)
	run := report.Run{Interrupted: interrupted}
	var reports []types.Report
	var xmls []string
	output, _ := os.ReadFile(c.logFile())
	for _, name := range c.suites {
		s := report.SuiteRun{Name: name}
		jsonFile := filepath.Join(suiteDir, name+".json")
		if _, err := os.Stat(jsonFile); err == nil {
			reps, err := report.ReadJSON([]string{jsonFile})
			switch {
			case err != nil:
				s.Why = err.Error()
			case len(reps) != 1:
				s.Why = fmt.Sprintf("%s holds %d suite reports, not 1", jsonFile, len(reps))
			default:
				s.Report = &reps[0]
				reports = append(reports, reps[0])
			}
		} else if output != nil {
			s.Why = report.FirstError(string(output), name)
		}
		if xml := filepath.Join(suiteDir, name+".xml"); s.Report != nil && exists(xml) {
			xmls = append(xmls, xml)
		}
		run.Suites = append(run.Suites, s)
	}
	jsonOut, junitOut, claimsOut := c.outputs()
	if err := report.WriteJSON(reports, jsonOut); err != nil {
		return err
	}
	if err := report.MergeJUnit(xmls, junitOut); err != nil {
		return err
	}
	platform, problems := platformOf(reports)
	table := report.BuildRun(c.cat, run, platform)
	table.Problems = append(problems, table.Problems...)
	if c.p.FailOnUnchecked {
		table.RequireChecked()
	}
	md := c.titleOn(platform) + table.Markdown()
	if err := report.Write(claimsOut, []byte(md)); err != nil {
		return err
	}
	c.publish()
	fmt.Print("\n" + md)
	wd, _ := os.Getwd()
	rel := func(f string) string { // from where the user is: out/claims.md under make, the bundle's path elsewhere
		if r, err := filepath.Rel(wd, f); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return f
	}
	fmt.Printf("\nreports: %s\n", strings.Join([]string{rel(jsonOut), rel(junitOut), rel(claimsOut)}, ", "))
	if table.Failed() {
		return errFailed
	}
	return nil
}

// publish makes what the suites and ginkgo wrote readable by everyone, whatever the umask
// they ran with: CI uploads the reports as another user than root, who ran them.
func (c *config) publish() {
	var paths []string
	if !filepath.IsAbs(c.p.Reports.Dir) { // out/ is sockspec's; an absolute directory may be anyone's
		paths = append(paths, c.p.Dir(c.root))
	}
	for _, dir := range []string{c.p.SuiteReportDir(c.root), c.logDir()} {
		if exists(dir) {
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			paths = append(append(paths, dir), files...)
		}
	}
	report.Publish(paths...)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
