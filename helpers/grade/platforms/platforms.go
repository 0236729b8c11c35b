// Package platforms ships the grader to course platforms: a Gradescope autograder zip, a
// PrairieLearn question with its external grader, and a GitHub Classroom workflow, each
// made from the static Linux grader of a `make dist` bundle and one rubric. The rubric's
// build and target commands, points and visibility are what every platform uses, so an
// instructor edits the rubric and makes the platform's files again (research/grading.md
// has the platforms' contracts).
package platforms

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sockspec/helpers/catalog"
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/assignments"
	"sockspec/helpers/grade/rubric"
)

// Kit is what every platform's files are made of.
type Kit struct {
	Assignment grade.Assignment
	Rubric     *rubric.Rubric
	RubricText []byte // the rubric file as the instructor wrote it
	Grader     []byte // bin/grade of the bundle: static, linux/amd64
	Catalog    []byte // fixtures/claims.yaml of the bundle
	Bundle     string // the bundle's file name, for the files' headers
}

// Load reads the grader and the catalog from the bundle (out/dist/sockspec-linux-amd64.tar.gz)
// and the rubric: rubricPath, or the bundle's own rubric of the assignment when it is "".
// The rubric is checked against the bundle's catalog, so a bad rubric fails here, with its
// file and line, and never on a platform.
func Load(bundlePath, assignment, rubricPath string) (*Kit, error) {
	a, err := assignments.Find(assignment)
	if err != nil {
		return nil, err
	}
	b, err := readBundle(bundlePath)
	if err != nil {
		return nil, err
	}
	k := &Kit{Assignment: a, Grader: b.files["bin/grade"], Catalog: b.files["fixtures/claims.yaml"], Bundle: filepath.Base(bundlePath)}
	rubricName := "fixtures/assignments/" + a.Name + ".yaml"
	if rubricPath == "" {
		k.RubricText = b.files[rubricName] // the checkout's, which make dist copied
	} else if k.RubricText, err = os.ReadFile(rubricPath); err != nil {
		return nil, err
	} else {
		rubricName = rubricPath
	}
	for name, data := range map[string][]byte{"bin/grade": k.Grader, "fixtures/claims.yaml": k.Catalog} {
		if data == nil {
			return nil, fmt.Errorf("%s holds no %s/%s: make it again with make %s", bundlePath, b.top, name, bundlePath)
		}
	}
	if k.RubricText == nil {
		return nil, fmt.Errorf("%s holds no rubric of %s (%s)", bundlePath, a.Name, rubricName)
	}
	cat, err := catalog.Parse(bundlePath+":fixtures/claims.yaml", k.Catalog)
	if err != nil {
		return nil, err
	}
	k.Rubric, err = rubric.Parse(rubricName, k.RubricText, a.Name, a.Specs(), func(id string) bool {
		_, ok := cat.ByID(id)
		return ok
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// Warnings are the rubric's own (checks left out are not run anywhere).
func (k *Kit) Warnings() []string { return k.Rubric.Warnings }

// check is one check as the platforms' files show it.
type check struct {
	ID, Title  string
	Points     float64
	Visibility string
	Step, Env  string // GitHub Classroom: the step's id and its results variable for the reporter
}

func (k *Kit) checks() []check {
	var out []check
	for _, c := range k.Rubric.Checks {
		def, _ := k.Assignment.Find(c.ID)
		out = append(out, check{ID: c.ID, Title: def.Title, Points: c.Points, Visibility: c.Visibility,
			Step: c.ID, Env: strings.ToUpper(c.ID) + "_RESULTS"})
	}
	return out
}

// gradeArgs is the grader's arguments on a platform: the assignment, the rubric and the
// submission (their paths there).
func (k *Kit) gradeArgs(rubricPath, submission string) string {
	return fmt.Sprintf("--assignment %s --rubric %s --submission %s", k.Assignment.Name, rubricPath, submission)
}

// seconds bounds a whole grading from the rubric's limits: the build, then the checks, as
// many at once as the rubric's parallel, each within check_seconds, plus a margin for
// starting and writing.
func (k *Kit) seconds() int {
	l := k.Rubric.Limits
	n := len(k.Rubric.Checks)
	rounds := (n + k.Rubric.Parallel - 1) / k.Rubric.Parallel
	return l.BuildSeconds + rounds*l.CheckSeconds + 30
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}
