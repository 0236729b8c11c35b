package grade

import (
	"fmt"
	"os"
	"path/filepath"

	"sockspec/helpers/catalog"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/repo"
)

// DataRoot is where the grader finds its data (fixtures/claims.yaml, the rubrics, the
// bundled submissions): the same directory as the suites', by the one rule of repo.Root
// (SOCKSPEC_ROOT, else the bundle the binary is in, else the checkout's go.mod).
func DataRoot() (string, error) { return repo.Root() }

// DataPath is rel under DataRoot.
func DataPath(rel string) (string, error) {
	root, err := DataRoot()
	if err != nil {
		return "", fmt.Errorf("finding the grader's data (%s): %w", rel, err)
	}
	return filepath.Join(root, rel), nil
}

// RubricPath is the bundled rubric of an assignment.
func RubricPath(assignment string) (string, error) {
	return DataPath(filepath.Join("fixtures", "assignments", assignment+".yaml"))
}

// ReferencePath is the bundled reference submission of an assignment.
func ReferencePath(assignment string) (string, error) {
	return DataPath(filepath.Join("fixtures", "submissions", assignment, "reference"))
}

// LoadCatalog loads fixtures/claims.yaml, or the file given.
func LoadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		var err error
		if path, err = DataPath(filepath.Join("fixtures", "claims.yaml")); err != nil {
			return nil, err
		}
	}
	return catalog.Load(path)
}

// LoadRubric reads and checks a rubric for a, with claims checked against cat.
func LoadRubric(path string, a Assignment, cat *catalog.Catalog) (*rubric.Rubric, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return rubric.Parse(path, data, a.Name, a.Specs(), func(id string) bool {
		_, ok := cat.ByID(id)
		return ok
	})
}
