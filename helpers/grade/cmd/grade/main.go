// Command grade grades a student's server for an assignment (default tcp-echo) and writes
// the results for Gradescope, Autolab and PrairieLearn, and feedback.md for the student.
//
//	grade [--assignment tcp-echo] [--rubric FILE] [--submission DIR] [--build CMD]
//	      [--target 'CMD {port}'] [--out DIR] [--check ID] [--jobs N]
//
// Without --target and --submission it builds and grades the bundled reference submission.
// With a submission, the build and target commands default to the rubric's. stdout is the
// feedback, and its last line is Autolab's scores line; progress goes to stderr.
//
// Exit status: 0 when grading finished, whatever the score (with --check: 0 when that check
// passed, 1 when it failed); 2 when the grader cannot run (bad rubric, unknown check, not
// Linux); 3 when grading finished but the grader could not run some check itself; 4 when
// the target command could not start in any check (not found, not executable): the results
// are written, every check scores 0, but nothing was checked, so the run must not pass for
// a grading. A build that fails is a graded result: 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/assignments"
	"sockspec/helpers/grade/results"
	"sockspec/helpers/grade/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const (
	exitGraded     = 0
	exitFailed     = 1 // --check: the check failed
	exitCannotRun  = 2
	exitGraderFail = 3
	exitNotStarted = 4 // the target never started: results written, nothing checked
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("assignment", "tcp-echo", "the assignment: "+strings.Join(assignments.Names(), ", "))
	rubricPath := fs.String("rubric", "", "the rubric (default fixtures/assignments/ASSIGNMENT.yaml)")
	submission := fs.String("submission", "", "the submission's directory (default: the bundled reference, unless --target is given)")
	buildCmd := fs.String("build", "", "the build command, run once in the submission's copy (default: the rubric's; '' builds nothing)")
	target := fs.String("target", "", "the server's command, run in the submission's copy; {port} becomes the port (default: the rubric's)")
	out := fs.String("out", "out/grade", "where the results go")
	check := fs.String("check", "", "run only this check; exit 0 when it passed, 1 when it failed")
	jobs := fs.Int("jobs", 0, "checks at once (default: the rubric's parallel)")
	catalogPath := fs.String("catalog", "", "the claim catalog (default fixtures/claims.yaml)")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "grade: unexpected arguments %q (quote the target command: --target './server {port}')\n", fs.Args())
		return exitCannotRun
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fail := func(err error) int {
		fmt.Fprintln(stderr, "grade:", err)
		return exitCannotRun
	}
	if runtime.GOOS != "linux" {
		return fail(sandbox.ErrNotLinux)
	}

	a, err := assignments.Find(*name)
	if err != nil {
		return fail(err)
	}
	cat, err := grade.LoadCatalog(*catalogPath)
	if err != nil {
		return fail(err)
	}
	if *rubricPath == "" {
		if *rubricPath, err = grade.RubricPath(a.Name); err != nil {
			return fail(err)
		}
	}
	rub, err := grade.LoadRubric(*rubricPath, a, cat)
	if err != nil {
		return fail(err)
	}
	for _, w := range rub.Warnings {
		fmt.Fprintln(stderr, "grade: warning:", w)
	}
	var only []string
	if set["check"] {
		if _, ok := rub.Find(*check); !ok {
			var ids []string
			for _, c := range rub.Checks {
				ids = append(ids, c.ID)
			}
			return fail(fmt.Errorf("unknown check %q: %s has %s", *check, *rubricPath, strings.Join(ids, ", ")))
		}
		only = []string{*check}
	}

	sub, bld, tgt := *submission, rub.Build, rub.Target
	switch {
	case set["submission"]:
	case set["target"]:
		bld = "" // a target alone runs in an empty directory; give --build to build something
	default:
		if sub, err = grade.ReferencePath(a.Name); err != nil {
			return fail(err)
		}
	}
	if set["build"] {
		bld = *buildCmd
	}
	if set["target"] {
		tgt = *target
	}
	if !strings.Contains(tgt, "{port}") {
		fmt.Fprintf(stderr, "grade: warning: the target command %q has no {port}; the port is only in $PORT\n", tgt)
	}

	rep, err := grade.Run(ctx, grade.Options{Assignment: a, Rubric: rub, Catalog: cat, Submission: sub,
		Build: bld, Target: tgt, Only: only, Jobs: *jobs, Progress: stderr})
	if ctx.Err() != nil {
		return fail(errors.New("interrupted: no results written"))
	}
	if err != nil {
		return fail(err)
	}
	if err := results.Write(*out, rep); err != nil {
		return fail(fmt.Errorf("writing the results to %s: %w", *out, err))
	}
	fmt.Fprint(stdout, results.Feedback(rep))
	fmt.Fprintf(stdout, "\n%s\n", results.Autolab(rep))
	fmt.Fprintf(stderr, "grade: %s/%s; results in %s (%s)\n", num(rep.Score), num(rep.MaxScore), *out, strings.Join(results.Files, ", "))
	if errs := rep.GraderErrors(); len(errs) > 0 {
		for _, c := range errs {
			fmt.Fprintf(stderr, "grade: the grader could not run check %s: %s\n", c.ID, c.GraderError)
		}
		return exitGraderFail
	}
	if why, never := rep.NeverStarted(); never {
		fmt.Fprintf(stderr, "grade: the target command `%s` could not start in any check: %s; nothing was checked (every check scores 0 in %s)\n", tgt, why, *out)
		return exitNotStarted
	}
	if set["check"] && !rep.Checks[0].Passed {
		return exitFailed
	}
	return exitGraded
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}
