// Command compare puts runs of the suites on different platforms side by side (make
// compare): one row per claim, one column per run with its pass, fail and skip counts, and
// the values the specs observed where they differ between runs. Claims whose result differs
// come first. It writes the table to -o and prints it.
//
//	go run ./helpers/report/cmd/compare [-o out/compare.md] DIR...   each DIR holds a run's report.json
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sockspec/helpers/catalog"
	"sockspec/helpers/repo"
	"sockspec/helpers/report"
)

func main() {
	out := flag.String("o", "out/compare.md", "where to write the comparison (Markdown), relative to the module root")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compare [-o FILE] DIR... (each DIR holds the report.json of one run: make conformance REPORTS=DIR)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "sockspec compare:", err)
		os.Exit(1)
	}
}

func run(out string, dirs []string) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	cat, err := catalog.Load(filepath.Join(root, "fixtures", "claims.yaml"))
	if err != nil {
		return err
	}
	var results []report.Result
	for _, dir := range dirs {
		r, err := report.LoadResult(cat, dir)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	c := report.Compare(results)
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if err := report.WriteComparison(c, out); err != nil {
		return err
	}
	fmt.Print(c.Markdown())
	return nil
}
