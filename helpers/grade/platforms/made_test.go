package platforms_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"sockspec/helpers/grade/assignments"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/repo"
)

// The platforms' files are made once per test run by the Makefile's own targets, as an
// instructor makes them (make gradescope prairielearn classroom ASSIGNMENT=…), into a
// temporary PLATFORMS_DIR: with the bundled rubrics, and with an instructor's rubric
// (RUBRIC=) that changes points and visibility. The linux/amd64 bundle they come from is
// the checkout's out/dist/sockspec-linux-amd64.tar.gz, which make builds when it is stale.

var (
	madeOnce sync.Once
	madeDir  string // PLATFORMS_DIR with the bundled rubrics
	ownDir   string // PLATFORMS_DIR with instructorRubric for tcp-echo
	ownPath  string // instructorRubric's file
	madeErr  error
)

// instructorRubric is tcp-echo's rubric as an instructor changed it: abrupt-close worth 20
// points and hidden, listens after the due date, the whole result after publishing.
func instructorRubric(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "fixtures", "assignments", "tcp-echo.yaml"))
	if err != nil {
		return "", err
	}
	s := string(b)
	for _, r := range [][2]string{
		{"visibility: visible\n", "visibility: after_published\n"},
		{"  - id: abrupt-close\n    points: 10\n", "  - id: abrupt-close\n    points: 20\n    visibility: hidden\n"},
		{"  - id: listens\n    points: 10\n", "  - id: listens\n    points: 10\n    visibility: after_due_date\n"},
	} {
		if !strings.Contains(s, r[0]) {
			return "", fmt.Errorf("tcp-echo's rubric no longer has %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return s, nil
}

// made runs the make targets once and returns the two PLATFORMS_DIRs.
func made(t *testing.T) (bundled, own string) {
	t.Helper()
	madeOnce.Do(func() {
		root, err := repo.Root()
		if err != nil {
			madeErr = err
			return
		}
		if madeDir, madeErr = os.MkdirTemp("", "sockspec-platforms-test-"); madeErr != nil {
			return
		}
		ownDir, ownPath = filepath.Join(madeDir, "own"), filepath.Join(madeDir, "my-tcp-echo.yaml")
		var own string
		if own, madeErr = instructorRubric(root); madeErr != nil {
			return
		}
		if madeErr = os.WriteFile(ownPath, []byte(own), 0o644); madeErr != nil {
			return
		}
		runs := [][]string{}
		for _, a := range assignments.Names() {
			runs = append(runs, []string{"gradescope", "prairielearn", "classroom", "ASSIGNMENT=" + a, "PLATFORMS_DIR=" + madeDir})
		}
		runs = append(runs, []string{"gradescope", "prairielearn", "classroom", "ASSIGNMENT=tcp-echo", "RUBRIC=" + ownPath, "PLATFORMS_DIR=" + ownDir})
		// GNU make: gmake where make is another one (FreeBSD).
		gnuMake := "make"
		if p, err := exec.LookPath("gmake"); err == nil {
			gnuMake = p
		}
		for _, args := range runs {
			cmd := exec.Command(gnuMake, append([]string{"--no-print-directory", "-C", root}, args...)...)
			cmd.Env = repo.MakeEnviron()
			if out, err := cmd.CombinedOutput(); err != nil {
				madeErr = fmt.Errorf("make %s: %v\n%s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if madeErr != nil {
		t.Fatal(madeErr)
	}
	return madeDir, ownDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if madeDir != "" {
		os.RemoveAll(madeDir)
	}
	if code == 0 {
		code = cleanupMountpoints()
	}
	os.Exit(code)
}

// sample is a submission graded through a platform, with what it must score.
type sample struct {
	assignment, name string
	dir              string   // its files (a manifest.yaml there is not submitted)
	pass             []string // the checks it must pass; the others it must fail
	broken           string   // a submission that does not build: words of the compiler's output
}

// samples are each assignment's reference, one buggy sample, and a submission that does
// not compile.
func samples(t *testing.T) []sample {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	var out []sample
	for _, s := range []struct{ a, name string }{{"tcp-echo", "reference"}, {"tcp-echo", "sigpipe"}, {"ws-echo", "reference"}, {"ws-echo", "wrong-accept"}} {
		dir := filepath.Join(root, "fixtures", "submissions", s.a, s.name)
		var m struct{ Pass []string }
		b, err := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
		if err == nil {
			err = yaml.Unmarshal(b, &m)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{assignment: s.a, name: s.name, dir: dir, pass: m.Pass})
	}
	broken := t.TempDir()
	for file, text := range map[string]string{
		"tcp-echo/server.c": "int main(void) { return undeclared_on_purpose; }\n",
		"ws-echo/server.py": "def broken(:\n    pass\n",
	} {
		p := filepath.Join(broken, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out = append(out,
		sample{assignment: "tcp-echo", name: "does-not-compile", dir: filepath.Join(broken, "tcp-echo"), broken: "undeclared_on_purpose"},
		sample{assignment: "ws-echo", name: "does-not-compile", dir: filepath.Join(broken, "ws-echo"), broken: "SyntaxError"})
	return out
}

// loadRubric reads the rubric the platform's files were made from.
func loadRubric(t *testing.T, path, assignment string) *rubric.Rubric {
	t.Helper()
	a, err := assignments.Find(assignment)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rubric.Parse(path, b, a.Name, a.Specs(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// expected is the score a sample must get with r: the points of the checks it passes.
func expected(r *rubric.Rubric, s sample) (score, max float64) {
	for _, c := range r.Checks {
		max += c.Points
		if slices.Contains(s.pass, c.ID) {
			score += c.Points
		}
	}
	return score, max
}
