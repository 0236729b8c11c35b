package grade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"sockspec/helpers/catalog"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/grade/sandbox"
)

// Options say what to grade and how.
type Options struct {
	Assignment Assignment
	Rubric     *rubric.Rubric
	Catalog    *catalog.Catalog
	Submission string   // the directory to grade; "" runs the target in an empty directory
	Build      string   // the build command; "" builds nothing
	Target     string   // the target command, with {port}
	Only       []string // check IDs to run (nil: every check of the rubric)
	Jobs       int      // checks at once (0: the rubric's parallel)
	Progress   io.Writer
}

// TargetPATH is the PATH of the build and the target: the system's directories only (the
// grader's own PATH may hold directories the target's user cannot read, like ~/.pyenv).
const TargetPATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

// UserEnv names the account targets run as when the grader is root (default nobody).
const UserEnv = "GRADE_USER"

// Run grades one submission. It returns an error only when the grader itself cannot run
// (not Linux, no sandbox, an unreadable submission); a submission that fails to build,
// start or listen still gets a complete Report.
func Run(ctx context.Context, o Options) (*Report, error) {
	if runtime.GOOS != "linux" {
		return nil, sandbox.ErrNotLinux
	}
	r := o.Rubric
	rep := &Report{Assignment: o.Assignment.Name, Title: r.Title, Submission: o.Submission, Target: o.Target,
		Started: time.Now(), Warnings: r.Warnings, Visibility: r.Visibility}
	var checks []*rubric.Check
	for _, rc := range r.Checks {
		if o.Only == nil || contains(o.Only, rc.ID) {
			checks = append(checks, rc)
		}
	}
	cfg, err := sandboxConfig(r.Limits)
	if err != nil {
		return nil, err
	}
	var noNamespaces error
	if cfg.Isolate {
		// Root in a container without CAP_SYS_ADMIN (Gradescope's, for one) cannot make
		// namespaces, but can still run the target as another user, with the limits.
		if err := sandbox.CanIsolate(); errors.Is(err, sandbox.ErrNoNamespaces) {
			cfg.Isolate, noNamespaces = false, err
		} else if err != nil {
			return nil, err
		}
	}
	rep.Isolated, rep.Isolation = cfg.Isolate, isolation(cfg, noNamespaces)
	rep.User = currentUser()
	if cfg.User != nil {
		rep.User = cfg.User.Name
	}

	removeStale()
	tmp, release, err := workDir()
	if err != nil {
		return nil, err
	}
	defer release()
	work := tmp + "/submission"
	// The temporary directory can be passed through but not listed; the copy belongs to
	// the target's user, who may write in it (compilers do) but nowhere the grader writes.
	uid, gid := -1, -1
	if cfg.User != nil {
		uid, gid = cfg.User.UID, cfg.User.GID
	}
	if err := os.Chmod(tmp, 0o711); err != nil {
		return nil, err
	}
	if err := os.Mkdir(work, 0o755); err != nil {
		return nil, err
	}
	if o.Submission != "" {
		if st, err := os.Stat(o.Submission); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("the submission %s is not a directory: %v", o.Submission, err)
		}
		if err := copyTree(o.Submission, work, uid, gid); err != nil {
			return nil, fmt.Errorf("copying the submission %s: %w", o.Submission, err)
		}
	} else if uid >= 0 {
		if err := os.Chown(work, uid, gid); err != nil {
			return nil, err
		}
	}
	cfg.Dir = work
	env := []string{"PATH=" + TargetPATH, "HOME=" + work,
		"LANG=C.UTF-8", "USER=" + rep.User}

	if strings.TrimSpace(o.Build) != "" {
		if rep.Build, err = build(ctx, o.Build, cfg, env, r.Limits, o.Progress); err != nil {
			return nil, err
		}
	}
	results := make([]CheckResult, len(checks))
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = r.Parallel
	}
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i, rc := range checks {
		def, _ := o.Assignment.Find(rc.ID)
		res := CheckResult{ID: rc.ID, Number: indexOf(r.Checks, rc) + 1, Title: def.Title, Expect: def.Expect,
			MaxPoints: rc.Points, Visibility: rc.Visibility, Claims: claims(o.Catalog, rc.Claims)}
		if rep.Build != nil && !rep.Build.OK {
			res.Saw = "not run: the build failed (see the build output above)."
			results[i] = res
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				res.Saw = "not run: grading was interrupted."
				results[i] = res
				return
			}
			results[i] = runCheck(ctx, def, rc, res, cfg, o.Target, env, r.Limits)
			if o.Progress != nil {
				verdict := "failed"
				if results[i].Passed {
					verdict = "passed"
				}
				fmt.Fprintf(o.Progress, "grade: %-13s %s (%s)\n", rc.ID, verdict, results[i].Duration.Round(time.Millisecond))
			}
		}()
	}
	wg.Wait()
	for _, res := range results {
		rep.Score += res.Points
		rep.MaxScore += res.MaxPoints
	}
	rep.Checks = results
	rep.Duration = time.Since(rep.Started)
	return rep, ctx.Err()
}

// sandboxConfig decides how targets run: as root, isolated and as GRADE_USER (nobody);
// otherwise as the grader's own user in its own network, with the limits still applied.
func sandboxConfig(l rubric.Limits) (sandbox.Config, error) {
	cfg := sandbox.Config{Tail: l.OutputKiB << 10, Limits: sandbox.Limits{CPUSeconds: l.CPUSeconds,
		AddressSpaceMiB: l.AddressSpaceMiB, OpenFiles: l.OpenFiles, Processes: l.Processes, FileSizeMiB: l.FileSizeMiB}}
	if os.Geteuid() != 0 {
		return cfg, nil
	}
	name := os.Getenv(UserEnv)
	if name == "" {
		name = "nobody"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return cfg, fmt.Errorf("the user targets run as (%s=%q, default nobody): %w", UserEnv, name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if uid == 0 {
		return cfg, fmt.Errorf("%s=%s is root; targets must run as an unprivileged user", UserEnv, name)
	}
	cfg.Isolate, cfg.User = true, &sandbox.User{Name: name, UID: uid, GID: gid}
	return cfg, nil
}

func isolation(cfg sandbox.Config, noNamespaces error) string {
	l := cfg.Limits
	limits := fmt.Sprintf("%d open files, %d processes, %d MiB of address space, %d s of CPU per process, files up to %d MiB",
		l.OpenFiles, l.Processes, l.AddressSpaceMiB, l.CPUSeconds, l.FileSizeMiB)
	if cfg.Isolate {
		return fmt.Sprintf("isolated: your server ran as user %s in its own network (loopback only), PID and IPC namespaces, with limits of %s.", cfg.User.Name, limits)
	}
	if cfg.User != nil {
		return fmt.Sprintf("not isolated: your server ran as user %s with limits of %s, but in the grader's own network and PID namespace (%v).", cfg.User.Name, limits, noNamespaces)
	}
	return fmt.Sprintf("not isolated: the grader was not root, so your server ran as the grader's user (%s) in the grader's own network namespace; limits still applied: %s.", currentUser(), limits)
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Getuid())
}

func build(ctx context.Context, cmd string, cfg sandbox.Config, env []string, l rubric.Limits, progress io.Writer) (*BuildResult, error) {
	start := time.Now()
	res := &BuildResult{Command: cmd}
	defer func() {
		res.Duration = time.Since(start)
		if progress != nil {
			fmt.Fprintf(progress, "grade: build `%s`: %s (%s)\n", cmd, res.Status, res.Duration.Round(time.Millisecond))
		}
	}()
	cfg.Limits.CPUSeconds = l.BuildSeconds
	cfg.Tail = max(cfg.Tail, 8<<10)
	box, err := sandbox.Start(cfg)
	if err != nil {
		return res, fmt.Errorf("starting the build's sandbox: %w", err)
	}
	defer box.Close()
	p, err := box.Run([]string{"/bin/sh", "-c", cmd}, env, true, true)
	var cannot *sandbox.CannotRunError
	if errors.As(err, &cannot) {
		res.Status = "could not start: " + err.Error()
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("starting the build: %w", err)
	}
	limit := time.Duration(l.BuildSeconds) * time.Second
	select {
	case <-p.Done():
		e := p.Exit()
		res.OK = e.Code == 0 && e.Signal == 0
		res.Status = e.String()
	case <-time.After(limit):
		res.Status = fmt.Sprintf("did not finish within %s", limit)
	case <-ctx.Done():
		res.Status = "interrupted"
	}
	// All of its output, unless something it left behind holds the pipe open: that must
	// not hold the build up.
	wait := 200 * time.Millisecond
	if box.Empty() {
		wait = 2 * time.Second
	}
	select {
	case <-p.Stdout.EOF():
	case <-time.After(wait):
	}
	res.Output = p.Stdout.String()
	return res, nil
}

func runCheck(ctx context.Context, def CheckDef, rc *rubric.Check, in CheckResult, cfg sandbox.Config, target string, env []string, l rubric.Limits) (res CheckResult) {
	res = in
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	box, err := sandbox.Start(cfg)
	if err != nil {
		res.GraderError = err.Error()
		res.Saw = "the grader could not run this check: " + err.Error()
		return res
	}
	c := &Ctx{Check: rc, box: box, target: target, env: env}
	if c.Port, err = ports.take(box); err != nil {
		box.Close()
		res.GraderError = "picking a port: " + err.Error()
		res.Saw = "the grader could not run this check: " + res.GraderError
		return res
	}
	defer ports.release(c.Port)
	res.Port = int(c.Port)
	done := make(chan error, 1)
	go func() { done <- safely(def.Run, c) }()
	limit := time.Duration(l.CheckSeconds) * time.Second
	select {
	case err = <-done:
	case <-time.After(limit):
		// Killing the target ends every wait of the check (they are all bounded anyway).
		box.Stop(0)
		<-done
		err = Failf("the check did not finish within %s.", limit)
	case <-ctx.Done():
		box.Stop(0)
		<-done
		err = fmt.Errorf("interrupted")
	}
	c.release()
	if cerr := box.Close(); cerr != nil && err == nil {
		err = cerr
	}
	res.Notes, res.View, res.Outputs, res.NotStarted = c.notes, c.view, c.outputs(), c.notStarted()
	if err == nil {
		res.Passed, res.Points = true, rc.Points
		res.Saw = c.evidence()
		return res
	}
	if f, ok := AsFailure(err); ok {
		res.Saw, res.Hint = f.Saw, f.Hint
		return res
	}
	res.GraderError = err.Error()
	res.Saw = "the grader could not run this check: " + err.Error()
	return res
}

// ports are the ports of the checks running now, and of those that ended within the last
// minute. Boxes that share the grader's network (not isolated) must not get one port
// twice: the kernel may hand a port out again as soon as the probe that found it is
// closed, and a finished check may leave connections in TIME_WAIT on it for 60 s.
var ports = &portSet{used: map[uint16]time.Time{}}

type portSet struct {
	mu   sync.Mutex
	used map[uint16]time.Time // port → when it was released (zero while in use)
}

func (s *portSet) take(b *sandbox.Box) (uint16, error) {
	for range 20 {
		p, err := freePort(b)
		if err != nil {
			return 0, err
		}
		s.mu.Lock()
		released, known := s.used[p]
		if !known || (!released.IsZero() && time.Since(released) > time.Minute) {
			s.used[p] = time.Time{}
			s.mu.Unlock()
			return p, nil
		}
		s.mu.Unlock()
	}
	return 0, fmt.Errorf("no free port after 20 tries")
}

func (s *portSet) release(p uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used[p] = time.Now()
}

func safely(run func(*Ctx) error, c *Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the check panicked: %v", r)
		}
	}()
	return run(c)
}

func claims(cat *catalog.Catalog, ids []string) []*catalog.Claim {
	var out []*catalog.Claim
	for _, id := range ids {
		if cl, ok := cat.ByID(id); ok {
			out = append(out, cl)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func indexOf(list []*rubric.Check, c *rubric.Check) int {
	for i, x := range list {
		if x == c {
			return i
		}
	}
	return -1
}
