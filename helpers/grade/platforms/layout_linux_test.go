package platforms_test

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/grade/wait"
	"sockspec/helpers/repo"
)

// These tests run each platform's files in that platform's own layout, as root, each run in
// a private mount namespace with an empty tmpfs at /autograder (Gradescope) or /grade
// (PrairieLearn), so nothing of the machine's is touched and nothing stays mounted. The
// platform's part is played as their documentation says it is done; the grading itself runs
// as on those platforms: `env -i`, no Go on PATH, and Docker's default capabilities (no
// CAP_SYS_ADMIN, so the sandbox has no namespaces of its own; no CAP_SYS_PTRACE).

// dockerCaps is Docker's default capability set (moby oci/caps/defaults.go), which the
// graders of Gradescope and PrairieLearn run with, for setpriv --bounding-set.
const dockerCaps = "-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+net_raw,+sys_chroot,+mknod,+audit_write,+setfcap"

// cleanPath is the PATH the platform's scripts get; the tests check it holds no go.
const cleanPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// The platforms' directories, made on this machine by these tests when missing (and
// removed again by TestMain); only ever mounted on inside a private mount namespace.
var madeMountpoints []string

func needsRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("environment (needs root): mounting a tmpfs at /autograder and /grade in a private mount namespace needs root (running as uid %d)", os.Geteuid())
	}
	for _, tool := range []string{"bash", "mount", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("environment (unusable here): %s is missing (util-linux has mount and setpriv)", tool)
		}
	}
	for _, d := range filepath.SplitList(cleanPath) {
		if _, err := os.Stat(filepath.Join(d, "go")); err == nil {
			t.Skipf("environment (unusable here): go is in %s, so the platforms' PATH would have Go", d)
		}
	}
	for _, dir := range []string{"/autograder", "/grade"} {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			madeMountpoints = append(madeMountpoints, dir)
		}
	}
}

// mounted lists what is mounted at or under /autograder and /grade in this process's
// mount namespace (the machine's), from /proc/self/mountinfo.
func mounted() []string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 {
			for _, dir := range []string{"/autograder", "/grade"} {
				if f[4] == dir || strings.HasPrefix(f[4], dir+"/") {
					out = append(out, f[4])
				}
			}
		}
	}
	return out
}

// cleanupMountpoints removes the directories the tests made, once nothing is mounted there;
// it returns 1, saying why, if something is still mounted.
func cleanupMountpoints() int {
	if m := mounted(); len(m) > 0 {
		fmt.Fprintf(os.Stderr, "platforms tests: still mounted on this machine after the tests: %v\n", m)
		return 1
	}
	for _, dir := range madeMountpoints {
		os.Remove(dir)
	}
	return 0
}

// inMountNamespace runs a bash script in a new mount namespace (private: Go's exec makes
// every mount private there, and the script says so again), which ends with it, and with
// it every mount the script made. Nothing may be left running in that namespace afterwards
// (the platform's grading started every process of it), nor mounted on this machine.
func inMountNamespace(t *testing.T, script string, args ...string) string {
	t.Helper()
	out, left, err := runInMountNamespace(t, script, args...)
	if len(left) > 0 {
		t.Errorf("processes left running after the platform's run: %v", left)
	}
	if err != nil {
		t.Fatalf("the platform's run failed: %v\n%s", err, out)
	}
	return out
}

// runInMountNamespace runs the script and returns its output, and the processes still in
// its namespace once it ended (given 2 s to be gone).
func runInMountNamespace(t *testing.T, script string, args ...string) (string, []string, error) {
	t.Helper()
	nsFile := filepath.Join(t.TempDir(), "mntns")
	cmd := exec.Command("bash", append([]string{"-c", "set -eu\nreadlink /proc/$$/ns/mnt >\"$MNTNS_FILE\"\nmount --make-rprivate /\n" + script, "harness"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	cmd.Env = append(repo.MakeEnviron(), "DOCKER_CAPS="+dockerCaps, "CLEAN_PATH="+cleanPath, "MNTNS_FILE="+nsFile)
	out, err := cmd.CombinedOutput()
	if m := mounted(); len(m) > 0 {
		t.Errorf("after the run, this machine still has mounts at %v", m)
	}
	var left []string
	if ns, _ := os.ReadFile(nsFile); len(ns) > 0 {
		wait.Until(2*time.Second, func() bool { left = inNamespace(strings.TrimSpace(string(ns))); return len(left) == 0 })
	}
	return string(out), left, err
}

// inNamespace lists the processes in the mount namespace ns ("mnt:[4026532…]"), as
// "PID (comm)".
func inNamespace(ns string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if link, err := os.Readlink("/proc/" + e.Name() + "/ns/mnt"); err == nil && link == ns {
			comm, _ := os.ReadFile("/proc/" + e.Name() + "/comm")
			out = append(out, e.Name()+" ("+strings.TrimSpace(string(comm))+")")
		}
	}
	return out
}

// The harness sees what a run leaves behind: a process that outlives the script is found in
// its mount namespace. This test is its subreaper meanwhile (no other test runs), so it
// kills and reaps it rather than leave a zombie to the machine's init.
func TestHarnessSeesLeftovers(t *testing.T) {
	needsRoot(t)
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	_, left, err := runInMountNamespace(t, "setsid sleep 60 </dev/null >/dev/null 2>&1 &\n")
	for _, p := range left {
		pid, _ := strconv.Atoi(strings.Fields(p)[0])
		unix.Kill(pid, unix.SIGKILL)
		unix.Wait4(pid, nil, 0, nil)
	}
	if err != nil || len(left) != 1 || !strings.HasSuffix(left[0], "(sleep)") {
		t.Errorf("want the one sleep left running found; found %v (%v)", left, err)
	}
}

// submission copies a sample's files, without its manifest, into a new directory.
func submission(t *testing.T, s sample) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "manifest.yaml" || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fakeGraders stand in for a grader that crashes (its stderr full of what JSON must
// escape) and one that cannot run, to show the platform still gets its results.json.
var fakeGraders = map[string]struct{ script, says string }{
	"crash": {"#!/bin/sh\nprintf 'grade: crashing on purpose: \"quotes\", back\\\\slash, a\\ttab, a bell\\a, bad UTF-8 \\377\\376, 소켓\\n' >&2\nkill -SEGV $$\n",
		"the grader was killed by signal 11."},
	"cannot-run": {"#!/bin/sh\necho 'grade: the user targets run as (GRADE_USER=\"\", default nobody): unknown user nobody' >&2\nexit 2\n",
		"the grader cannot run here (exit status 2)."},
}

func fakeGrader(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "grade")
	if err := os.WriteFile(p, []byte(fakeGraders[name].script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkFakeGraderText checks that what the fake grader printed reached the student,
// escaped for JSON: quotes and backslashes kept, a tab as a space, control characters and
// bytes that are not UTF-8 dropped.
func checkFakeGraderText(t *testing.T, name, text string) {
	t.Helper()
	want := []string{fakeGraders[name].says}
	if name == "crash" {
		want = append(want, `crashing on purpose: "quotes", back\slash, a tab, a bell, bad UTF-8 , 소켓`)
	} else {
		want = append(want, `unknown user nobody`)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the results do not say %q:\n%s", w, text)
		}
	}
}

// unzip unpacks a zip as Gradescope does (the files of its root into one directory),
// keeping the modes it records.
func unzip(t *testing.T, path, dir string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		to := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(to, dir+string(filepath.Separator)) {
			t.Fatalf("%s holds %q, outside the directory it unpacks into", path, f.Name)
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(to, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// gradescopeRun plays Gradescope: builds the image from the zip (unpacked into
// /autograder/source, run_autograder copied to /autograder, setup.sh run by bash as root,
// with apt-get a stub that records what it is asked), then grades one submission: its files
// in /autograder/submission, run_autograder run in /autograder with env -i and Docker's
// default capabilities. It returns what the run left: results.json, results/stdout, the
// apt-get calls, and how long run_autograder took (ms).
const gradescopeRun = `
source_dir=$1 submission=$2 out=$3 fakebin=$4 swap=$5
mount -t tmpfs -o mode=0755 sockspec-test /autograder
mkdir /autograder/source
cp -R "$source_dir/." /autograder/source/
cp /autograder/source/run_autograder /autograder/run_autograder
chmod +x /autograder/run_autograder
(cd / && PATH="$fakebin:$PATH" APT_LOG="$out/apt.log" bash /autograder/source/setup.sh) >"$out/setup.log" 2>&1
mkdir /autograder/submission /autograder/results
cp -R "$submission/." /autograder/submission/
if [ -n "$swap" ]; then cp "$swap" /autograder/source/sockspec/bin/grade; fi
cd /autograder
start=$(date +%s%N)
setpriv --bounding-set="$DOCKER_CAPS" -- env -i PATH="$CLEAN_PATH" /autograder/run_autograder >/autograder/results/stdout 2>&1 ||
	echo "run_autograder exited with status $?" >"$out/exit"
end=$(date +%s%N)
echo $(((end - start) / 1000000)) >"$out/ms"
cp /autograder/results/stdout "$out/stdout"
if [ -e /autograder/results/results.json ]; then cp /autograder/results/results.json "$out/results.json"; fi
`

// fakeAptGet records its arguments, one call a line, and installs nothing.
const fakeAptGet = "#!/bin/sh\necho \"$*\" >>\"$APT_LOG\"\n"

type gradescopeResults struct {
	Score        *float64 `json:"score"`
	Output       string   `json:"output"`
	Visibility   string   `json:"visibility"`
	StdoutVis    string   `json:"stdout_visibility"`
	OutputFormat string   `json:"output_format"`
	Tests        []struct {
		Name       string  `json:"name"`
		Status     string  `json:"status"`
		Visibility string  `json:"visibility"`
		Score      float64 `json:"score"`
		MaxScore   float64 `json:"max_score"`
		Output     string  `json:"output"`
	} `json:"tests"`
}

type run struct {
	results []byte
	stdout  string
	apt     string
	ms      int
}

func gradescope(t *testing.T, zipPath string, s sample, swap string) run {
	t.Helper()
	stage := t.TempDir()
	src, fakebin, out := filepath.Join(stage, "source"), filepath.Join(stage, "fakebin"), filepath.Join(stage, "out")
	for _, d := range []string{src, fakebin, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	unzip(t, zipPath, src)
	if err := os.WriteFile(filepath.Join(fakebin, "apt-get"), []byte(fakeAptGet), 0o755); err != nil {
		t.Fatal(err)
	}
	inMountNamespace(t, gradescopeRun, src, submission(t, s), out, fakebin, swap)
	return collect(t, out)
}

func collect(t *testing.T, out string) run {
	t.Helper()
	var r run
	r.results, _ = os.ReadFile(filepath.Join(out, "results.json"))
	stdout, _ := os.ReadFile(filepath.Join(out, "stdout"))
	apt, _ := os.ReadFile(filepath.Join(out, "apt.log"))
	ms, _ := os.ReadFile(filepath.Join(out, "ms"))
	r.stdout, r.apt = string(stdout), string(apt)
	r.ms, _ = strconv.Atoi(strings.TrimSpace(string(ms)))
	if exit, err := os.ReadFile(filepath.Join(out, "exit")); err == nil {
		t.Errorf("%s", exit)
	}
	if r.results == nil {
		t.Fatalf("no results.json; the run printed:\n%s", r.stdout)
	}
	return r
}

func TestGradescope(t *testing.T) {
	needsRoot(t)
	bundled, own := made(t)
	root, _ := repo.Root()
	for _, s := range samples(t) {
		t.Run(s.assignment+"/"+s.name, func(t *testing.T) {
			r := gradescope(t, filepath.Join(bundled, "gradescope", s.assignment+".zip"), s, "")
			rub := loadRubric(t, filepath.Join(root, "fixtures", "assignments", s.assignment+".yaml"), s.assignment)
			checkGradescope(t, r, rub, s)
			checkApt(t, r.apt, rub)
		})
	}
	// The instructor's rubric: its points and visibility reach results.json.
	t.Run("instructor's rubric/tcp-echo/sigpipe", func(t *testing.T) {
		s := samples(t)[1]
		r := gradescope(t, filepath.Join(own, "gradescope", "tcp-echo.zip"), s, "")
		rub := loadRubric(t, ownPath, "tcp-echo")
		if c, _ := rub.Find("abrupt-close"); c.Points != 20 || c.Visibility != "hidden" {
			t.Fatalf("the instructor's rubric was not read: %+v", c)
		}
		checkGradescope(t, r, rub, s)
	})
	for name := range fakeGraders {
		t.Run("grader "+name, func(t *testing.T) {
			r := gradescope(t, filepath.Join(bundled, "gradescope", "tcp-echo.zip"), samples(t)[0], fakeGrader(t, name))
			var v gradescopeResults
			if err := json.Unmarshal(r.results, &v); err != nil {
				t.Fatalf("results.json is not JSON (%v):\n%s", err, r.results)
			}
			if v.Score == nil || *v.Score != 0 || len(v.Tests) != 0 || v.StdoutVis != "hidden" {
				t.Errorf("want a score of 0 and no tests: %s", r.results)
			}
			checkFakeGraderText(t, name, v.Output)
		})
	}
}

// checkGradescope compares results.json with what the sample must score under rub: a test
// per check in the rubric's order, its points and visibility the rubric's, passed exactly
// when the manifest says so; a submission that does not build scores 0 and shows the
// compiler's output.
func checkGradescope(t *testing.T, r run, rub *rubric.Rubric, s sample) {
	t.Helper()
	var v gradescopeResults
	if err := json.Unmarshal(r.results, &v); err != nil {
		t.Fatalf("results.json is not JSON (%v):\n%s", err, r.results)
	}
	score, max := expected(rub, s)
	t.Logf("%s/%s: %s/%s in %d ms from run_autograder's start to its results.json", s.assignment, s.name, num(score), num(max), r.ms)
	if v.Score == nil || *v.Score != score {
		t.Errorf("score %s, want %v; the run printed:\n%s", show(v.Score), score, r.stdout)
	}
	if v.Visibility != rub.Visibility || v.StdoutVis != "hidden" {
		t.Errorf("visibility %q, stdout_visibility %q; want %q and hidden", v.Visibility, v.StdoutVis, rub.Visibility)
	}
	if len(v.Tests) != len(rub.Checks) {
		t.Fatalf("%d tests for %d checks:\n%s", len(v.Tests), len(rub.Checks), r.results)
	}
	for i, c := range rub.Checks {
		got := v.Tests[i]
		pass := s.broken == "" && contains(s.pass, c.ID)
		want := map[bool]string{true: "passed", false: "failed"}[pass]
		if !strings.HasPrefix(got.Name, c.ID+": ") || got.MaxScore != c.Points || got.Visibility != c.Visibility || got.Status != want ||
			got.Score != map[bool]float64{true: c.Points, false: 0}[pass] {
			t.Errorf("test %d: %q %s %v/%v visibility %q; want %s %s %v points, visibility %q\n%s",
				i+1, got.Name, got.Status, got.Score, got.MaxScore, got.Visibility, c.ID, want, c.Points, c.Visibility, got.Output)
		}
	}
	if s.broken != "" && (!strings.Contains(v.Output, "The build failed") || !strings.Contains(v.Output, s.broken)) {
		t.Errorf("a submission that does not build: the output must say the build failed and show the compiler's %q:\n%s", s.broken, v.Output)
	}
}

// checkApt checks setup.sh asked apt-get for the rubric's packages and nothing else.
func checkApt(t *testing.T, log string, rub *rubric.Rubric) {
	t.Helper()
	want := "update\ninstall -y --no-install-recommends " + strings.Join(rub.Platforms.Packages, " ") + "\n"
	if log != want {
		t.Errorf("setup.sh asked apt-get:\n%s\nwant:\n%s", log, want)
	}
}

// prairielearnRun plays PrairieLearn's grader host: the question's tests/ in /grade/tests,
// the serverFilesCourse entries its info.json names in /grade/serverFilesCourse, the
// student's files in /grade/student, data.json in /grade/data; the entrypoint made
// executable and run with env -i and Docker's default capabilities.
const prairielearnRun = `
tests=$1 course=$2 student=$3 out=$4 entrypoint=$5 swap=$6
shift 6
mount -t tmpfs -o mode=0755 sockspec-test /grade
mkdir /grade/tests /grade/serverFilesCourse /grade/student /grade/data
cp -R "$tests/." /grade/tests/
for f in "$@"; do
	f=${f%/}
	mkdir -p "/grade/serverFilesCourse/$(dirname "$f")"
	cp -R "$course/serverFilesCourse/$f" "/grade/serverFilesCourse/$f"
done
cp -R "$student/." /grade/student/
echo '{"params": {}, "correct_answers": {}, "submitted_answers": {}, "format_errors": {}, "variant_seed": 1}' >/grade/data/data.json
if [ -n "$swap" ]; then cp "$swap" /grade/serverFilesCourse/sockspec/bin/grade; fi
chmod +x "$entrypoint"
cd /grade
start=$(date +%s%N)
setpriv --bounding-set="$DOCKER_CAPS" -- env -i PATH="$CLEAN_PATH" "$entrypoint" >"$out/stdout" 2>&1 ||
	echo "the entrypoint exited with status $?" >"$out/exit"
end=$(date +%s%N)
echo $(((end - start) / 1000000)) >"$out/ms"
if [ -e /grade/results/results.json ]; then cp /grade/results/results.json "$out/results.json"; fi
`

type infoJSON struct {
	UUID                   string `json:"uuid"`
	GradingMethod          string `json:"gradingMethod"`
	ExternalGradingOptions struct {
		Enabled           bool     `json:"enabled"`
		Image             string   `json:"image"`
		Entrypoint        string   `json:"entrypoint"`
		ServerFilesCourse []string `json:"serverFilesCourse"`
		Timeout           int      `json:"timeout"`
	} `json:"externalGradingOptions"`
}

type prairielearnResults struct {
	Gradable     *bool    `json:"gradable"`
	Score        *float64 `json:"score"`
	Message      string   `json:"message"`
	Output       string   `json:"output"`
	FormatErrors []string `json:"format_errors"`
	Tests        []struct {
		Name      string  `json:"name"`
		Points    float64 `json:"points"`
		MaxPoints float64 `json:"max_points"`
		Message   string  `json:"message"`
	} `json:"tests"`
}

func prairielearn(t *testing.T, course string, s sample, swap string) run {
	t.Helper()
	q := filepath.Join(course, "questions", s.assignment)
	var info infoJSON
	b, err := os.ReadFile(filepath.Join(q, "info.json"))
	if err == nil {
		err = json.Unmarshal(b, &info)
	}
	if err != nil {
		t.Fatal(err)
	}
	o := info.ExternalGradingOptions
	if !o.Enabled || info.GradingMethod != "External" || o.Image == "" || !strings.HasPrefix(o.Entrypoint, "/grade/") || o.Timeout <= 0 || o.Timeout > 600 {
		t.Fatalf("info.json: %s", b)
	}
	out := t.TempDir()
	args := append([]string{filepath.Join(q, "tests"), course, submission(t, s), out, o.Entrypoint, swap}, o.ServerFilesCourse...)
	inMountNamespace(t, prairielearnRun, args...)
	return collect(t, out)
}

func TestPrairieLearn(t *testing.T) {
	needsRoot(t)
	bundled, _ := made(t)
	root, _ := repo.Root()
	for _, s := range samples(t) {
		t.Run(s.assignment+"/"+s.name, func(t *testing.T) {
			r := prairielearn(t, filepath.Join(bundled, "prairielearn", s.assignment), s, "")
			rub := loadRubric(t, filepath.Join(root, "fixtures", "assignments", s.assignment+".yaml"), s.assignment)
			var v prairielearnResults
			if err := json.Unmarshal(r.results, &v); err != nil {
				t.Fatalf("results.json is not JSON (%v):\n%s", err, r.results)
			}
			score, max := expected(rub, s)
			t.Logf("%s/%s: %s/%s in %d ms from the entrypoint's start to its results.json", s.assignment, s.name, num(score), num(max), r.ms)
			if want := math.Round(score/max*10000) / 10000; v.Gradable == nil || !*v.Gradable || v.Score == nil || *v.Score != want {
				t.Errorf("gradable %s, score %s; want gradable and %v; the run printed:\n%s", show(v.Gradable), show(v.Score), want, r.stdout)
			}
			if len(v.Tests) != len(rub.Checks) {
				t.Fatalf("%d tests for %d checks:\n%s", len(v.Tests), len(rub.Checks), r.results)
			}
			for i, c := range rub.Checks {
				got := v.Tests[i]
				pass := s.broken == "" && contains(s.pass, c.ID)
				if got.Name != c.ID || got.MaxPoints != c.Points || got.Points != map[bool]float64{true: c.Points, false: 0}[pass] {
					t.Errorf("test %d: %s %v/%v; want %s, passed %v, %v points: %s", i+1, got.Name, got.Points, got.MaxPoints, c.ID, pass, c.Points, got.Message)
				}
			}
			if s.broken != "" && (!strings.Contains(v.Output, "The build failed") || !strings.Contains(v.Output, s.broken)) {
				t.Errorf("a submission that does not build: the output must say the build failed and show the compiler's %q:\n%s", s.broken, v.Output)
			}
		})
	}
	for name := range fakeGraders {
		t.Run("grader "+name, func(t *testing.T) {
			r := prairielearn(t, filepath.Join(bundled, "prairielearn", "tcp-echo"), samples(t)[0], fakeGrader(t, name))
			var v prairielearnResults
			if err := json.Unmarshal(r.results, &v); err != nil {
				t.Fatalf("results.json is not JSON (%v):\n%s", err, r.results)
			}
			if v.Gradable == nil || *v.Gradable || len(v.FormatErrors) != 1 {
				t.Errorf("want gradable false and the reason in format_errors: %s", r.results)
			}
			checkFakeGraderText(t, name, v.Message+"\n"+v.Output)
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// show is a field of results.json that may be missing.
func show[T any](p *T) string {
	if p == nil {
		return "(missing)"
	}
	return fmt.Sprint(*p)
}
