package grade_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/results"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/grade/tcpecho"
)

// manifest is a sample submission's manifest.yaml: the checks it must pass and fail.
type manifest struct {
	Bug  string   `yaml:"bug"`
	Pass []string `yaml:"pass"`
	Fail []string `yaml:"fail"`
}

// Every sample of fixtures/submissions/tcp-echo is built and graded as `make grade` would,
// and every check's result must match the sample's manifest: the reference passes all, each
// buggy sample fails exactly the checks its bug breaks. This is how the grader's checks
// are shown to fail for the right reason.
func TestSamplesMatchManifests(t *testing.T) {
	if _, err := exec.LookPath("cc"); err != nil {
		t.Fatal("cc is needed to build the C samples (.ci/run installs gcc): ", err)
	}
	a := tcpecho.Assignment()
	cat, err := grade.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	path, err := grade.RubricPath(a.Name)
	if err != nil {
		t.Fatal(err)
	}
	rub, err := grade.LoadRubric(path, a, cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(rub.Warnings) > 0 {
		t.Fatalf("the bundled rubric leaves checks out: %v", rub.Warnings)
	}
	ref, err := grade.ReferencePath(a.Name)
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob(filepath.Join(filepath.Dir(ref), "*", "manifest.yaml"))
	if err != nil || len(dirs) < 9 {
		t.Fatalf("want the reference and at least 8 buggy samples, found %d manifests (%v)", len(dirs), err)
	}

	// Grade the samples a few at a time (each runs its checks in parallel too).
	type graded struct {
		m   manifest
		rep *grade.Report
		err error
	}
	out := map[string]*graded{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for _, mf := range dirs {
		dir := filepath.Dir(mf)
		name := filepath.Base(dir)
		g := &graded{}
		out[name] = g
		data, err := os.ReadFile(mf)
		if err == nil {
			err = yaml.Unmarshal(data, &g.m)
		}
		if err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		if err := covers(g.m, rub.Checks); err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep, err := grade.Run(context.Background(), grade.Options{Assignment: a, Rubric: rub, Catalog: cat,
				Submission: dir, Build: rub.Build, Target: rub.Target})
			mu.Lock()
			g.rep, g.err = rep, err
			mu.Unlock()
		}()
	}
	wg.Wait()

	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		g := out[name]
		t.Run(name, func(t *testing.T) {
			if g.err != nil {
				t.Fatal(g.err)
			}
			r := g.rep
			if r.Build == nil || !r.Build.OK {
				t.Fatalf("the build failed: %+v", r.Build)
			}
			var scores []string
			for _, c := range r.Checks {
				scores = append(scores, fmt.Sprintf("%s %s/%s", c.ID, num(c.Points), num(c.MaxPoints)))
				if c.GraderError != "" {
					t.Errorf("check %s: the grader could not run it: %s", c.ID, c.GraderError)
					continue
				}
				want := slices.Contains(g.m.Pass, c.ID)
				if c.Passed != want {
					t.Errorf("check %s: %s, but the manifest says it must %s.\nwhat the kernel showed: %s %s\n%s",
						c.ID, verdict(c.Passed), verdict(want), c.Saw, c.Hint, c.View)
				}
			}
			t.Logf("%s (%s): %s/%s: %s", name, g.m.Bug, num(r.Score), num(r.MaxScore), strings.Join(scores, ", "))
			dir := t.TempDir()
			if err := results.Write(dir, r); err != nil {
				t.Fatal(err)
			}
			for _, f := range results.Files {
				st, err := os.Stat(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if st.Size() > 256<<10 {
					t.Errorf("%s is %d bytes; output tails must keep results small", f, st.Size())
				}
			}
		})
	}

	// The flood: the chatty sample printed megabytes, of which only the tails were kept.
	if g := out["chatty"]; g != nil && g.rep != nil {
		var total int64
		for _, c := range g.rep.Checks {
			for _, o := range c.Outputs {
				var n int64
				fmt.Sscanf(o.Label[strings.LastIndex(o.Label, ", ")+2:], "%d bytes", &n)
				total += n
				if len(o.Text) > 3<<10 {
					t.Errorf("chatty, %s: kept %d bytes of output", c.ID, len(o.Text))
				}
			}
		}
		if total < 10<<20 {
			t.Errorf("chatty printed %d bytes in all; it should flood (≥ 10 MiB)", total)
		}
	}

	// Nothing is left behind: no process runs from a grading directory any more.
	if left := leftovers(); len(left) > 0 {
		t.Errorf("processes left running after grading: %v", left)
	}
}

// covers checks that the manifest names every check of the rubric exactly once.
func covers(m manifest, checks []*rubric.Check) error {
	seen := map[string]int{}
	for _, id := range append(slices.Clone(m.Pass), m.Fail...) {
		seen[id]++
	}
	for _, c := range checks {
		switch seen[c.ID] {
		case 0:
			return fmt.Errorf("check %s is in neither pass nor fail", c.ID)
		case 1:
		default:
			return fmt.Errorf("check %s is listed more than once", c.ID)
		}
		delete(seen, c.ID)
	}
	for id := range seen {
		return fmt.Errorf("unknown check %q", id)
	}
	return nil
}

func verdict(passed bool) string {
	if passed {
		return "pass"
	}
	return "fail"
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// leftovers lists processes whose working directory is a grader's temporary directory.
func leftovers() []string {
	var left []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cwd, err := os.Readlink("/proc/" + e.Name() + "/cwd")
		if err == nil && strings.Contains(cwd, "sockspec-grade-") {
			left = append(left, e.Name()+" in "+cwd)
		}
	}
	return left
}
