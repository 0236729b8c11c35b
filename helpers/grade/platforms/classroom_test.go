package platforms_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/repo"
)

// workflow is the part of a GitHub Actions workflow the tests read.
type workflow struct {
	Name string
	Jobs map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
			Name, ID, Uses, Run string
			With                map[string]string
			Env                 map[string]string
		}
	}
}

// classroomStep is one check's step of the workflow.
type classroomStep struct {
	id, command    string
	points         int
	timeoutMinutes int
}

// readWorkflow checks the workflow against GitHub Classroom's contracts and the rubric it
// was made from, and returns its grading steps: after the checkout and the install step,
// one command-grader step per check, in the rubric's order, with the check's ID as step id
// and test name, its points as max-score, a timeout, and a command that runs the grader for
// that check alone; then the reporter, with every step id as a runner and each step's
// result in <ID>_RESULTS.
func readWorkflow(t *testing.T, path string, rub *rubric.Rubric) []classroomStep {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	job, ok := w.Jobs["run-autograding-tests"]
	if !ok || job.RunsOn != "ubuntu-latest" || len(job.Steps) != len(rub.Checks)+3 {
		t.Fatalf("%s: want the job run-autograding-tests on ubuntu-latest with %d steps:\n%s", path, len(rub.Checks)+3, b)
	}
	if job.Steps[0].Uses != "actions/checkout@v4" || !strings.Contains(job.Steps[1].Run, strings.Join(rub.Platforms.Packages, " ")) {
		t.Errorf("%s: the first steps must check out the repository and install %v", path, rub.Platforms.Packages)
	}
	var steps []classroomStep
	var ids []string
	reporter := job.Steps[len(job.Steps)-1]
	for i, c := range rub.Checks {
		s := job.Steps[i+2]
		points, _ := strconv.Atoi(s.With["max-score"])
		timeout, _ := strconv.Atoi(s.With["timeout"])
		if s.Uses != "education/autograding-command-grader@v1" || s.ID != c.ID || s.With["test-name"] != c.ID ||
			float64(points) != c.Points || timeout < 1 || timeout > 60 ||
			!strings.HasSuffix(s.With["command"], " --check "+c.ID) || !strings.Contains(s.With["command"], "--rubric .github/sockspec/rubric.yaml") {
			t.Errorf("%s: step %d is not check %s's (%v points): %+v", path, i+3, c.ID, c.Points, s)
		}
		env := strings.ToUpper(c.ID) + "_RESULTS"
		if want := fmt.Sprintf("${{ steps.%s.outputs.result }}", c.ID); reporter.Env[env] != want {
			t.Errorf("%s: the reporter's %s is %q, want %q", path, env, reporter.Env[env], want)
		}
		steps = append(steps, classroomStep{id: c.ID, command: s.With["command"], points: points, timeoutMinutes: timeout})
		ids = append(ids, c.ID)
	}
	if reporter.Uses != "education/autograding-grading-reporter@v1" || reporter.With["runners"] != strings.Join(ids, ",") || len(reporter.Env) != len(ids) {
		t.Errorf("%s: the last step must be the reporter with runners %s and their results: %+v", path, strings.Join(ids, ","), reporter)
	}
	return steps
}

// actionlint runs the actionlint of go.mod's tool directive on a workflow.
func actionlint(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("environment (unusable here): go is not on PATH, and actionlint is go.mod's tool")
	}
	cmd := exec.Command("go", "tool", "actionlint", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("actionlint %s: %v\n%s", path, err, out.String())
	}
}

func TestClassroomWorkflow(t *testing.T) {
	bundled, own := made(t)
	root, _ := repo.Root()
	type made struct{ name, dir, rubric, assignment string }
	var all []made
	for _, a := range []string{"tcp-echo", "ws-echo"} {
		all = append(all, made{a, filepath.Join(bundled, "classroom", a), filepath.Join(root, "fixtures", "assignments", a+".yaml"), a})
	}
	all = append(all, made{"instructor's rubric", filepath.Join(own, "classroom", "tcp-echo"), ownPath, "tcp-echo"})
	for _, m := range all {
		t.Run(m.name, func(t *testing.T) {
			wf := filepath.Join(m.dir, ".github", "workflows", "classroom.yml")
			actionlint(t, wf)
			rub := loadRubric(t, m.rubric, m.assignment)
			steps := readWorkflow(t, wf, rub)
			for _, s := range steps {
				if m.rubric == ownPath && s.id == "abrupt-close" && s.points != 20 {
					t.Errorf("the instructor's 20 points for abrupt-close did not reach the workflow: %+v", s)
				}
			}
			// What the workflow runs is committed beside it: the grader, its catalog, the rubric.
			text, err := os.ReadFile(m.rubric)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := os.ReadFile(filepath.Join(m.dir, ".github", "sockspec", "rubric.yaml")); err != nil || !bytes.Equal(got, text) {
				t.Errorf(".github/sockspec/rubric.yaml is not %s (%v)", m.rubric, err)
			}
			for file, mode := range map[string]os.FileMode{"bin/grade": 0o755, "fixtures/claims.yaml": 0o644} {
				if st, err := os.Stat(filepath.Join(m.dir, ".github", "sockspec", file)); err != nil || st.Mode().Perm() != mode {
					t.Errorf(".github/sockspec/%s: %v %v, want mode %v", file, st, err, mode)
				}
			}
		})
	}
}
