// Command claims turns the suites' reports into the run's reports: it merges the per-suite
// JSON and JUnit files the profile names, writes the claims table and prints it, ending with
// how many claims were checked, partly checked and not checked, and why. It exits 1 when a
// claim failed, a suite wrote no report, specs and catalog do not match, or (profile
// fail_on_unchecked) a claim was not checked for a reason other than this machine's.
//
//	go run ./helpers/report/cmd/claims prepare  check ginkgo.yaml and the catalog, remove the previous run's reports
//	go run ./helpers/report/cmd/claims merge    merge, write the claims table, print it
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"sockspec/helpers/catalog"
	"sockspec/helpers/profile"
	"sockspec/helpers/repo"
	"sockspec/helpers/report"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "prepare" && os.Args[1] != "merge") {
		fmt.Fprintln(os.Stderr, "usage: claims prepare|merge (the profile comes from $"+profile.EnvVar+")")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "claims:", err)
		os.Exit(1)
	}
}

func run(cmd string) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	p, err := profile.Select(filepath.Join(root, "ginkgo.yaml"), os.Getenv(profile.EnvVar))
	if err != nil {
		return err
	}
	cat, err := catalog.Load(filepath.Join(root, "fixtures", "claims.yaml"))
	if err != nil {
		return err
	}
	jsonOut, junitOut, claimsOut := p.Path(root, p.Reports.JSON), p.Path(root, p.Reports.JUnit), p.Path(root, p.Reports.Claims)
	if cmd == "prepare" {
		for _, f := range []string{p.SuiteReportDir(root), jsonOut, junitOut, claimsOut} {
			if err := os.RemoveAll(f); err != nil {
				return err
			}
		}
		return nil
	}

	jsons, _ := filepath.Glob(filepath.Join(p.SuiteReportDir(root), "*.json"))
	xmls, _ := filepath.Glob(filepath.Join(p.SuiteReportDir(root), "*.xml"))
	var missing []string
	suites, _ := filepath.Glob(filepath.Join(root, "suites", "*"))
	for _, dir := range suites {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(dir)
		if !slices.Contains(jsons, filepath.Join(p.SuiteReportDir(root), name+".json")) {
			missing = append(missing, fmt.Sprintf("suite %s wrote no report to %s: did it build and run?", name, p.SuiteReportDir(root)))
		}
	}
	reports, err := report.ReadJSON(jsons)
	if err != nil {
		return err
	}
	if err := report.WriteJSON(reports, jsonOut); err != nil {
		return err
	}
	if err := report.MergeJUnit(xmls, junitOut); err != nil {
		return err
	}
	table := report.Build(cat, reports, runtime.GOOS, true)
	table.Problems = append(missing, table.Problems...)
	if p.FailOnUnchecked {
		table.RequireChecked()
	}
	md := fmt.Sprintf("# sockspec: the tutorial's claims on %s (profile %s)\n\n%s", runtime.GOOS, p.Name, table.Markdown())
	if err := os.WriteFile(claimsOut, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print("\n" + md)
	rel := func(f string) string { r, _ := filepath.Rel(root, f); return r }
	fmt.Printf("\nreports: %s\n", strings.Join([]string{rel(jsonOut), rel(junitOut), rel(claimsOut)}, ", "))
	if table.Failed() {
		return fmt.Errorf("claims failed or the run does not match fixtures/claims.yaml (see above)")
	}
	return nil
}
