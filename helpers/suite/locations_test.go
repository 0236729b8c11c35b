package suite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"sockspec/helpers/report"
)

// Every spec points at its own file and line, in -v output, JUnit and the claims table's
// order: a helper that makes Ginkgo nodes for a spec (Families, a table's entries) calls
// GinkgoHelper, so its nodes carry the caller's location, not the helper's. Each suite is
// compiled and run with --dry-run; every spec of its report must sit in a spec file of
// that suite's own directory (not in helpers/, not in a *_helpers_test.go file).
func TestSpecsPointAtTheirOwnFile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every suite")
	}
	root := moduleRoot(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "suites", "*"))
	if len(dirs) == 0 {
		t.Fatal("no suites under", filepath.Join(root, "suites"))
	}
	tmp := t.TempDir()
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(tmp, name+".json")
			if msg, ok := runSuite(t, name, dir, "", []string{"SOCKSPEC_PROFILE=default"}, "-ginkgo.dry-run", "-ginkgo.json-report="+out); !ok {
				t.Fatalf("%s --dry-run failed:\n%s", name, msg)
			}
			reports, err := report.ReadJSON([]string{out})
			if err != nil {
				t.Fatal(err)
			}
			specs := 0
			for _, r := range reports {
				for _, s := range r.SpecReports {
					if s.LeafNodeType != types.NodeTypeIt {
						continue
					}
					specs++
					file := s.LeafNodeLocation.FileName
					if filepath.Dir(file) != dir || !strings.HasSuffix(file, "_test.go") || strings.HasSuffix(file, "_helpers_test.go") {
						rel, _ := filepath.Rel(root, file)
						t.Errorf("spec %q is located at %s:%d, not in a spec file of suites/%s", s.FullText(), rel, s.LeafNodeLocation.LineNumber, name)
					}
				}
			}
			if specs == 0 {
				t.Errorf("the dry run of suites/%s listed no spec", name)
			}
		})
	}
}
