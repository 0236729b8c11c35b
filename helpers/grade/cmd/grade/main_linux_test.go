package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"sockspec/helpers/grade"
	"sockspec/helpers/repo"
	"sockspec/helpers/wsproto"
)

// The test binary doubles as the grade command, so a test can run it as another user.
const mainEnv = "SOCKSPEC_GRADE_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type outcome struct {
	code           int
	stdout, stderr string
	out            string // the results directory
}

func grade_(t *testing.T, args ...string) outcome {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"--out", out}, args...), &stdout, &stderr)
	return outcome{code, stdout.String(), stderr.String(), out}
}

// scores reads the Autolab line, which must be the last line of stdout.
func (o outcome) scores(t *testing.T) map[string]float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
	var v struct{ Scores map[string]float64 }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &v); err != nil {
		t.Fatalf("the last line of stdout is not Autolab's scores: %q (%v)\nstderr: %s", lines[len(lines)-1], err, o.stderr)
	}
	return v.Scores
}

func (o outcome) feedback(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(o.out, "feedback.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func bundledRubric(t *testing.T) string {
	t.Helper()
	p, err := grade.RubricPath("tcp-echo")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeRubric(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "my-rubric.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sample(t *testing.T, name string) string {
	t.Helper()
	return assignmentSample(t, "tcp-echo", name)
}

func assignmentSample(t *testing.T, assignment, name string) string {
	t.Helper()
	ref, err := grade.ReferencePath(assignment)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(filepath.Dir(ref), name)
}

// A malformed rubric stops the grader before anything runs, naming the file and line.
func TestMalformedRubric(t *testing.T) {
	text := strings.Replace(bundledRubric(t), "    points: 15\n", "    points: fifteen\n", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "fifteen")], "\n")
	p := writeRubric(t, text)
	o := grade_(t, "--rubric", p)
	want := p + ":" + strconv.Itoa(line) + `: points must be a number ≥ 0, not "fifteen"`
	if o.code != exitCannotRun || !strings.Contains(o.stderr, want) {
		t.Fatalf("exit %d, stderr %q; want exit %d and %q", o.code, o.stderr, exitCannotRun, want)
	}
	if _, err := os.Stat(filepath.Join(o.out, "feedback.md")); err == nil {
		t.Error("results were written for a rubric that does not parse")
	}
}

// A rubric naming a check the assignment does not have lists the known ones.
func TestRubricWithUnknownCheck(t *testing.T) {
	p := writeRubric(t, strings.Replace(bundledRubric(t), "- id: restart", "- id: restrat", 1))
	o := grade_(t, "--rubric", p)
	if o.code != exitCannotRun || !strings.Contains(o.stderr, `unknown check "restrat" (known checks: listens, echo, stream, large, concurrent, descriptors, no-leak, abrupt-close, restart, port-in-use)`) {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
}

func TestUnknownCheckOnTheCommandLine(t *testing.T) {
	o := grade_(t, "--check", "listen")
	if o.code != exitCannotRun || !strings.Contains(o.stderr, `unknown check "listen"`) || !strings.Contains(o.stderr, "listens, echo, stream") {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
}

// A check of the assignment that the rubric leaves out is not run, and a warning names it.
func TestCheckMissingFromRubric(t *testing.T) {
	text := bundledRubric(t)
	text = text[:strings.Index(text, "  - id: stream")] // keeps listens and echo only
	o := grade_(t, "--rubric", writeRubric(t, text))
	if o.code != exitGraded {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	if !strings.Contains(o.stderr, `check "port-in-use" of tcp-echo is not in the rubric, so it is not run`) {
		t.Errorf("no warning naming port-in-use:\n%s", o.stderr)
	}
	if s := o.scores(t); len(s) != 2 || s["listens"] != 10 || s["echo"] != 10 {
		t.Errorf("scores %v; want listens and echo only, both full", s)
	}
	if f := o.feedback(t); !strings.Contains(f, "Warning:") || strings.Contains(f, "port-in-use`") {
		t.Errorf("the feedback should warn and not list port-in-use:\n%s", f)
	}
}

// A target command that does not exist: every check scores 0, each says why, naming the
// command; all four results are written, but the grader exits non-zero, saying on stderr
// that the command could not start, because nothing was checked.
func TestTargetThatDoesNotExist(t *testing.T) {
	o := grade_(t, "--submission", sample(t, "reference"), "--target", "./no-such-server {port}")
	if o.code != exitNotStarted {
		t.Fatalf("exit %d, want %d\n%s", o.code, exitNotStarted, o.stderr)
	}
	for id, pts := range o.scores(t) {
		if pts != 0 {
			t.Errorf("%s scored %v", id, pts)
		}
	}
	if f := o.feedback(t); strings.Count(f, "could not start: command not found: ./no-such-server") < 10 {
		t.Errorf("each check should say the command was not found:\n%s", f)
	}
	if !strings.Contains(o.stderr, "the target command `./no-such-server {port}` could not start in any check: command not found: ./no-such-server") ||
		!strings.Contains(o.stderr, "nothing was checked") {
		t.Errorf("stderr should name the command and say nothing was checked:\n%s", o.stderr)
	}
	for _, f := range []string{"gradescope.json", "autolab.json", "prairielearn.json", "feedback.md"} {
		if _, err := os.Stat(filepath.Join(o.out, f)); err != nil {
			t.Error(err)
		}
	}
}

// A build that fails: no check runs, every check scores 0, and the feedback shows the end
// of the build's output.
func TestBuildThatFails(t *testing.T) {
	o := grade_(t, "--submission", sample(t, "reference"), "--build", "cc -o server missing.c")
	if o.code != exitGraded {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	s := o.scores(t)
	if len(s) != 10 {
		t.Errorf("want all 10 checks in the scores, got %v", s)
	}
	for id, pts := range s {
		if pts != 0 {
			t.Errorf("%s scored %v", id, pts)
		}
	}
	f := o.feedback(t)
	for _, want := range []string{"The build failed", "exited with status 1", "missing.c: No such file or directory", "not run: the build failed"} {
		if !strings.Contains(f, want) {
			t.Errorf("feedback lacks %q:\n%s", want, f)
		}
	}
	var gs struct {
		Score  float64
		Output string
	}
	b, _ := os.ReadFile(filepath.Join(o.out, "gradescope.json"))
	if err := json.Unmarshal(b, &gs); err != nil || gs.Score != 0 || !strings.Contains(gs.Output, "missing.c") {
		t.Errorf("gradescope.json: score %v, output %q, %v", gs.Score, gs.Output, err)
	}
}

// The student whose server forgets the GUID reads, in the handshake's row of the table, the
// key the grader sent, the accept it expected for that key and the accept that came back,
// and below it what went wrong; the exit status says the check failed.
func TestWrongAcceptKeyFeedback(t *testing.T) {
	o := grade_(t, "--assignment", "ws-echo", "--submission", assignmentSample(t, "ws-echo", "wrong-accept"), "--check", "handshake")
	if o.code != exitFailed || o.scores(t)["handshake"] != 0 {
		t.Fatalf("exit %d, scores %v\n%s", o.code, o.scores(t), o.stderr)
	}
	var row string
	for _, line := range strings.Split(o.feedback(t), "\n") {
		if strings.HasPrefix(line, "| ✗ `handshake`") {
			row = line
		}
	}
	_, after, ok := strings.Cut(row, "the key sent was ")
	if !ok {
		t.Fatalf("the handshake row does not name the key sent:\n%s", row)
	}
	key := after[:24]
	sum := sha1.Sum([]byte(key))
	for what, want := range map[string]string{
		"the accept expected": "the accept expected was " + wsproto.AcceptKey(key),
		"the accept received": "the accept received was " + base64.StdEncoding.EncodeToString(sum[:]),
	} {
		if !strings.Contains(row, want) {
			t.Errorf("the handshake row should show %s (%q):\n%s", what, want, row)
		}
	}
	if f := o.feedback(t); !strings.Contains(f, "**What to do:** Your accept is base64(SHA-1(key)) without the GUID") {
		t.Errorf("the feedback should name the mistake:\n%s", f)
	}
}

// An unknown assignment lists the known ones.
func TestUnknownAssignment(t *testing.T) {
	o := grade_(t, "--assignment", "udp-echo")
	if o.code != exitCannotRun || !strings.Contains(o.stderr, `unknown assignment "udp-echo"; known: tcp-echo, ws-echo`) {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
}

// --check runs one check and says by its exit status whether it passed (for GitHub
// Classroom's command grader).
func TestOneCheck(t *testing.T) {
	pass := grade_(t, "--submission", sample(t, "sigpipe"), "--check", "listens")
	if pass.code != exitGraded || len(pass.scores(t)) != 1 {
		t.Errorf("listens on sigpipe: exit %d, scores %v\n%s", pass.code, pass.scores(t), pass.stderr)
	}
	fail := grade_(t, "--submission", sample(t, "sigpipe"), "--check", "abrupt-close")
	if fail.code != exitFailed || fail.scores(t)["abrupt-close"] != 0 {
		t.Errorf("abrupt-close on sigpipe: exit %d, scores %v\n%s", fail.code, fail.scores(t), fail.stderr)
	}
	if !strings.Contains(fail.feedback(t), "was killed by SIGPIPE") {
		t.Errorf("feedback should say SIGPIPE killed it:\n%s", fail.feedback(t))
	}
}

// Without root the grader still grades, as the grader's own user and network, and the
// feedback says the run was not isolated.
func TestNotRootIsNotIsolated(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("environment (needs root): the test switches to user nobody")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("environment (unusable here): no user nobody")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	// A copy of this test binary and of the grader's data that nobody can read (the
	// checkout itself may be in a home directory nobody cannot enter), and a directory
	// nobody can write the results to.
	dir, err := os.MkdirTemp("", "grade-not-root-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	self, _ := os.Executable()
	bin := filepath.Join(dir, "grade")
	copyFile(t, self, bin)
	data := filepath.Join(dir, "data")
	for _, f := range []string{"go.mod", "fixtures/claims.yaml", "fixtures/assignments/tcp-echo.yaml", "fixtures/submissions/tcp-echo/reference/server.c"} {
		os.MkdirAll(filepath.Dir(filepath.Join(data, f)), 0o755)
		copyFile(t, filepath.Join(root, f), filepath.Join(data, f))
	}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	os.Chown(out, uid, gid)

	cmd := exec.Command(bin, "--out", out, "--check", "echo")
	cmd.Dir = data
	cmd.Env = []string{mainEnv + "=1", "PATH=/usr/bin:/bin", "HOME=" + dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("grade as nobody: %v\n%s", err, stderr.String())
	}
	f, err := os.ReadFile(filepath.Join(out, "feedback.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**not isolated: the grader was not root", "✓ `echo`"} {
		if !strings.Contains(string(f), want) {
			t.Errorf("feedback lacks %q:\n%s", want, f)
		}
	}
}

// Root without CAP_SYS_ADMIN (a container's root, as on Gradescope) cannot make
// namespaces: the grader still runs the target as nobody, with the limits, and the
// feedback says it was not isolated.
func TestNoNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("environment (needs root): the test drops CAP_SYS_ADMIN from root")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("environment (unusable here): setpriv (util-linux) is needed to drop CAP_SYS_ADMIN")
	}
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	out := t.TempDir()
	cmd := exec.Command(setpriv, "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin",
		self, "--out", out, "--submission", sample(t, "daemonize"), "--check", "echo")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("grade without CAP_SYS_ADMIN: %v\n%s", err, stderr.String())
	}
	f, err := os.ReadFile(filepath.Join(out, "feedback.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**not isolated: your server ran as user nobody", "EPERM", "✓ `echo`"} {
		if !strings.Contains(string(f), want) {
			t.Errorf("feedback lacks %q:\n%s", want, f)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}
