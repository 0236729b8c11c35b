package platforms

import (
	"fmt"
	"math"
	"strings"
)

// Classroom is what a GitHub Classroom starter repository needs: the workflow
// (.github/workflows/classroom.yml, a command-grader step per check, then the reporter)
// and, committed beside it, the grader with its data and the rubric under .github/sockspec/.
func (k *Kit) Classroom(make string) ([]File, error) {
	for _, c := range k.Rubric.Checks {
		// The command grader reads max-score with parseInt.
		if c.Points != math.Trunc(c.Points) {
			return nil, fmt.Errorf("%s:%d: check %s has %s points; GitHub Classroom's command grader takes whole points only", k.Rubric.File, c.Line, c.ID, num(c.Points))
		}
	}
	v := k.view(make, ".github/sockspec/bin/grade "+k.gradeArgs(".github/sockspec/rubric.yaml", "."))
	var ids []string
	for _, c := range v.Checks {
		ids = append(ids, c.Step)
	}
	v.Runners = strings.Join(ids, ",")
	// One check alone: the build, the check, a margin.
	l := k.Rubric.Limits
	v.TimeoutMinutes = (l.BuildSeconds + l.CheckSeconds + 30 + 59) / 60
	workflow, err := render("classroom.yml", v)
	if err != nil {
		return nil, err
	}
	return []File{
		{".github/workflows/classroom.yml", 0o644, workflow},
		{".github/sockspec/rubric.yaml", 0o644, k.RubricText},
		{".github/sockspec/bin/grade", 0o755, k.Grader},
		{".github/sockspec/fixtures/claims.yaml", 0o644, k.Catalog},
	}, nil
}
