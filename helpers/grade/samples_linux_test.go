package grade_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/assignments"
	"sockspec/helpers/grade/results"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/grade/sandbox"
	"sockspec/helpers/grade/tcpecho"
	"sockspec/helpers/grade/wsecho"
)

// manifest is a sample submission's manifest.yaml: the checks it must pass and fail, and
// for failing checks, words their feedback must hold (the right reason to fail).
type manifest struct {
	Bug  string            `yaml:"bug"`
	Pass []string          `yaml:"pass"`
	Fail []string          `yaml:"fail"`
	Why  map[string]string `yaml:"why"`
}

// minSamples is how many samples (the reference included) each assignment must have.
var minSamples = map[string]int{tcpecho.Name: 9, wsecho.Name: 7}

// Every sample of fixtures/submissions/<assignment> is built and graded as `make grade`
// would, for every assignment, and every check's result must match the sample's manifest:
// the reference passes all, each buggy sample fails exactly the checks its bug breaks, for
// the reason its manifest gives. This is how the grader's checks are shown to fail for the
// right reason.
func TestSamplesMatchManifests(t *testing.T) {
	cat, err := grade.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	type graded struct {
		a   grade.Assignment
		rub *rubric.Rubric
		dir string
		m   manifest
		rep *grade.Report
		err error
	}
	out := map[string]*graded{} // by assignment/sample
	for _, a := range assignments.All() {
		path, err := grade.RubricPath(a.Name)
		if err != nil {
			t.Fatal(err)
		}
		rub, err := grade.LoadRubric(path, a, cat)
		if err != nil {
			t.Fatal(err)
		}
		if len(rub.Warnings) > 0 {
			t.Fatalf("the bundled rubric of %s leaves checks out: %v", a.Name, rub.Warnings)
		}
		// The build's tool (cc, python3) must be where the sandbox looks: .ci/run installs
		// it if missing.
		if words := strings.Fields(rub.Build); len(words) > 0 && !onPath(words[0], grade.TargetPATH) {
			t.Fatalf("%s is needed to build the %s samples (%s), and is not in the sandbox's PATH %s", words[0], a.Name, rub.Build, grade.TargetPATH)
		}
		ref, err := grade.ReferencePath(a.Name)
		if err != nil {
			t.Fatal(err)
		}
		manifests, err := filepath.Glob(filepath.Join(filepath.Dir(ref), "*", "manifest.yaml"))
		if err != nil || len(manifests) < minSamples[a.Name] {
			t.Fatalf("%s: want the reference and at least %d buggy samples, found %d manifests (%v)", a.Name, minSamples[a.Name]-1, len(manifests), err)
		}
		for _, mf := range manifests {
			g := &graded{a: a, rub: rub, dir: filepath.Dir(mf)}
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
			out[a.Name+"/"+filepath.Base(g.dir)] = g
		}
	}

	// Whatever escapes a box comes to this process, where leftovers finds it.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal("becoming a child subreaper:", err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)

	// Grade the samples a few at a time (each runs its checks in parallel too).
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for _, g := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep, err := grade.Run(context.Background(), grade.Options{Assignment: g.a, Rubric: g.rub, Catalog: cat,
				Submission: g.dir, Build: g.rub.Build, Target: g.rub.Target})
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
				} else if why := g.m.Why[c.ID]; why != "" && !strings.Contains(c.Saw+" "+c.Hint, why) {
					t.Errorf("check %s failed, but not for the manifest's reason: its feedback lacks %q.\nwhat the kernel showed: %s %s", c.ID, why, c.Saw, c.Hint)
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
	if g := out[tcpecho.Name+"/chatty"]; g != nil && g.rep != nil {
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

	// Nothing is left behind: no process the gradings started runs any more.
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
	for id := range m.Why {
		if !slices.Contains(m.Fail, id) {
			return fmt.Errorf("why names check %q, which is not in fail", id)
		}
	}
	return nil
}

// onPath says whether an executable named name is in one of the directories of path.
func onPath(name, path string) bool {
	for _, dir := range filepath.SplitList(path) {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
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

// leftovers lists the processes still below this test: as a child subreaper it inherits
// whatever escapes a box, and only what its own gradings started is below it (other
// graders may run on the machine at the same time, in this PID namespace or another).
func leftovers() []string {
	var left []string
	for _, pid := range sandbox.Descendants(os.Getpid()) {
		p := strconv.Itoa(pid)
		stat, _ := os.ReadFile("/proc/" + p + "/stat")
		cmd, _ := os.ReadFile("/proc/" + p + "/cmdline")
		cwd, _ := os.Readlink("/proc/" + p + "/cwd")
		left = append(left, fmt.Sprintf("%s (%s) %q in %s", p, procState(string(stat)), strings.ReplaceAll(string(cmd), "\x00", " "), cwd))
	}
	return left
}

// procState is the command name, state and parent of a /proc/PID/stat line.
func procState(stat string) string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return stat
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 2 {
		return stat
	}
	return fmt.Sprintf("%s, state %s, parent %s", stat[strings.IndexByte(stat, '(')+1:i], f[0], f[1])
}
