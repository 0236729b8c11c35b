package suite

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tempRoot makes a module root of its own (go.mod, the catalog, a ginkgo.yaml whose
// profile "t" writes its reports to reports), to run suite binaries from.
func tempRoot(t *testing.T, reports string) string {
	t.Helper()
	root := t.TempDir()
	catalog, err := os.ReadFile(filepath.Join(moduleRoot(t), "fixtures", "claims.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"go.mod":               "module sockspec\n",
		"fixtures/claims.yaml": string(catalog),
		"ginkgo.yaml": fmt.Sprintf("profiles:\n  t:\n    timeout: 2m\n    must_not_happen_for: 50ms\n    must_happen_within: 3s\n"+
			"    reports: {dir: %q, json: report.json, junit: junit.xml, claims: claims.md}\n", reports),
	} {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// A suite names its reports after its package, wherever it runs from (from the module root
// it used to write <clone-name>.json, from fixtures/ fixtures.json, and the merge counted
// specs twice); an absolute reports.dir is used as it is; and the reports are readable by
// everyone (0755 directories, 0644 files) whatever the umask (027 under `sudo -E`).
func TestReportsNamedAfterTheSuite(t *testing.T) {
	reports := filepath.Join(t.TempDir(), "reports")
	root := tempRoot(t, reports)
	for _, from := range []string{root, filepath.Join(root, "fixtures")} {
		os.RemoveAll(reports)
		out, ok := runSuite(t, "server", from, "umask 027", []string{"SOCKSPEC_PROFILE=t"}, "-ginkgo.label-filter=claim:fd.table-lists-sockets")
		if !ok {
			t.Fatalf("the server suite, run from %s, failed:\n%s", from, out)
		}
		var found []string
		filepath.WalkDir(reports, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			fi, _ := d.Info()
			rel, _ := filepath.Rel(reports, path)
			found = append(found, fmt.Sprintf("%s %v", rel, fi.Mode()))
			return nil
		})
		want := []string{". drwxr-xr-x", "suites drwxr-xr-x", "suites/server.json -rw-r--r--", "suites/server.xml -rw-r--r--"}
		if !slices.Equal(found, want) {
			t.Errorf("run from %s with reports.dir %s and umask 027, the reports are\n  %s\nwant\n  %s", from, reports, strings.Join(found, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

// A missing temporary directory stops the suite at start-up with one error naming it,
// instead of failing the specs that make files (fd.table-lists-sockets).
func TestMissingTempDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone")
	out, ok := runSuite(t, "server", filepath.Join(moduleRoot(t), "suites", "server"), "", []string{"TMPDIR=" + missing},
		"-ginkgo.label-filter=claim:fd.table-lists-sockets", "-ginkgo.json-report="+filepath.Join(t.TempDir(), "r.json"))
	want := fmt.Sprintf("the temporary directory %s (from TMPDIR) is not usable", missing)
	if ok || count(out, want) != 1 || !strings.Contains(out, "Ran 0 of") {
		t.Errorf("with TMPDIR=%s the suite should stop before any spec, saying once %q; it printed:\n%s", missing, want, out)
	}
}

// At too low a descriptor limit each suite stops at start-up with "needs N descriptors,
// ulimit -n is M" (at 28 and below, addr.ip-selects-host and listen.backlog used to fail with
// EMFILE); at exactly N every spec passes, so N is enough (preflight.SpecPeak).
func TestDescriptorBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every suite")
	}
	dirs, _ := filepath.Glob(filepath.Join(moduleRoot(t), "suites", "*"))
	needs := regexp.MustCompile(`needs (\d+) descriptors, ulimit -n is 12 `)
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			report := "-ginkgo.json-report=" + filepath.Join(t.TempDir(), "r.json")
			out, ok := runSuite(t, name, dir, "ulimit -n 12", nil, report)
			m := needs.FindAllStringSubmatch(out, -1)
			if ok || len(m) != 1 || !strings.Contains(out, "Ran 0 of") {
				t.Fatalf("at ulimit -n 12 the suite should stop before any spec, saying once that it needs more descriptors; it printed:\n%s", out)
			}
			if out, ok := runSuite(t, name, dir, "ulimit -n "+m[0][1], nil, report); !ok {
				t.Errorf("at ulimit -n %s, the budget the suite asked for, it failed: the budget is too small (preflight.SpecPeak):\n%s", m[0][1], out)
			}
		})
	}
}

// An unknown profile under plain `ginkgo -p` is the first failure printed, not buried in the
// output of processes that "timed out waiting for all parallel procs to report back".
func TestProfileErrorFirstUnderParallel(t *testing.T) {
	root := tempRoot(t, "out")
	bin := filepath.Join(root, "suites", "websocket", "websocket.test")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(suiteBinary(t, "websocket"), bin); err != nil {
		t.Fatal(err)
	}
	find := exec.Command("go", "tool", "-n", "ginkgo")
	find.Dir = moduleRoot(t)
	ginkgo, err := find.Output()
	if err != nil {
		t.Fatalf("go tool -n ginkgo: %v", err)
	}
	cmd := exec.Command(strings.TrimSpace(string(ginkgo)), "-p", "--no-color", bin)
	cmd.Env = append(os.Environ(), "SOCKSPEC_PROFILE=nope")
	b, _ := cmd.CombinedOutput()
	out := string(b)
	want := `unknown profile "nope" (from SOCKSPEC_PROFILE)`
	// Ginkgo's banner, then the start-up node's failure, with the profile error.
	at := strings.Index(out, "[ReportBeforeSuite] [FAILED]")
	if strings.Contains(out, "timed out waiting") || at < 0 || strings.Contains(out[:at], "FAIL") ||
		!strings.Contains(out[at:], "[FAILED] "+filepath.Join(root, "ginkgo.yaml")+": "+want) {
		t.Errorf("under ginkgo -p with SOCKSPEC_PROFILE=nope, the first failure printed should be %q; ginkgo printed:\n%s", want, out)
	}
}

// A suite binary started to be a fixture program it does not link says so and exits,
// instead of running its specs in the program's place (and its fixtures again, and so on).
func TestUnknownFixtureProgram(t *testing.T) {
	out, ok := runSuite(t, "descriptors", filepath.Join(moduleRoot(t), "suites", "descriptors"), "", []string{"SOCKSPEC_FIXTURE=nope"},
		"-ginkgo.json-report="+filepath.Join(t.TempDir(), "r.json"))
	want := `sockspec: SOCKSPEC_FIXTURE=nope: this binary has no fixture program "nope"`
	if ok || count(out, want) != 1 || strings.Contains(out, "Running Suite") {
		t.Errorf("with SOCKSPEC_FIXTURE=nope the suite binary should exit saying once %q, before Ginkgo; it printed:\n%s", want, out)
	}
}
