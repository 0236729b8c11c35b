// Package grade grades a student's server: it builds the submission once and runs each
// check of an assignment against a fresh instance of it in its own sandbox
// (helpers/grade/sandbox), looking at the target through the kernel (helpers/grade/observe)
// and talking to it over raw sockets (helpers/grade/client). The result is a Report that
// helpers/grade/results writes for Gradescope, Autolab, PrairieLearn and the student.
//
// Grading runs on Linux only; elsewhere Run fails with sandbox.ErrNotLinux.
package grade

import (
	"errors"
	"fmt"
	"time"

	"sockspec/helpers/catalog"
	"sockspec/helpers/grade/rubric"
)

// Assignment is one kind of server students write, and the checks that grade it.
type Assignment struct {
	Name   string
	Checks []CheckDef
}

// CheckDef is one check: what it expects, its parameters (defaults; the rubric may change
// them) and the code that runs it.
type CheckDef struct {
	ID     string
	Title  string // what passing means, in a few words: "the server listens on PORT"
	Expect string // what the grader expects to see, for the feedback table
	Params []rubric.ParamSpec
	// Run checks a fresh target. It returns nil when the check passed, a *Failure saying
	// what the kernel showed when it failed, and any other error when the grader itself
	// could not do its part.
	Run func(c *Ctx) error
}

// Specs lists the checks' IDs and parameters, as the rubric parser needs them.
func (a Assignment) Specs() []rubric.CheckSpec {
	out := make([]rubric.CheckSpec, len(a.Checks))
	for i, c := range a.Checks {
		out[i] = rubric.CheckSpec{ID: c.ID, Params: c.Params}
	}
	return out
}

// Find returns the check with id.
func (a Assignment) Find(id string) (CheckDef, bool) {
	for _, c := range a.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return CheckDef{}, false
}

// Failure is a check's verdict when the target did not do what was expected: what the
// kernel showed, in a student's terms, and how to fix it when the grader can tell.
type Failure struct {
	Saw  string
	Hint string
}

func (f *Failure) Error() string {
	if f.Hint != "" {
		return f.Saw + " " + f.Hint
	}
	return f.Saw
}

// Failf makes a Failure.
func Failf(format string, args ...any) *Failure { return &Failure{Saw: fmt.Sprintf(format, args...)} }

// WithHint adds what to do about it.
func (f *Failure) WithHint(format string, args ...any) *Failure {
	f.Hint = fmt.Sprintf(format, args...)
	return f
}

// AsFailure tells a check's failure from the grader's own trouble.
func AsFailure(err error) (*Failure, bool) {
	var f *Failure
	ok := errors.As(err, &f)
	return f, ok
}

// Report is the result of grading one submission.
type Report struct {
	Assignment string
	Title      string
	Submission string // what was graded, as given
	Target     string // the target command
	Isolated   bool
	User       string // the user the target ran as
	Isolation  string // how the target was sandboxed, in a sentence
	Build      *BuildResult
	Checks     []CheckResult
	Score      float64
	MaxScore   float64
	Warnings   []string
	Started    time.Time
	Duration   time.Duration
	Visibility string // Gradescope's top-level visibility
}

// GraderErrors lists checks the grader itself could not run.
func (r *Report) GraderErrors() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if c.GraderError != "" {
			out = append(out, c)
		}
	}
	return out
}

// NeverStarted says whether the target command could not start in any check (not found,
// not executable), so nothing was checked, and why, as the first check saw it.
func (r *Report) NeverStarted() (string, bool) {
	for _, c := range r.Checks {
		if c.NotStarted == "" {
			return "", false
		}
	}
	if len(r.Checks) == 0 {
		return "", false
	}
	return r.Checks[0].NotStarted, true
}

// BuildResult is how the build went.
type BuildResult struct {
	Command  string
	OK       bool
	Status   string // "exited with status 2", "did not finish within 60s"
	Output   string // the tail of its combined stdout and stderr
	Duration time.Duration
}

// CheckResult is one check's outcome.
type CheckResult struct {
	ID          string
	Number      int // 1-based, in the rubric's order
	Title       string
	Expect      string
	Points      float64
	MaxPoints   float64
	Passed      bool
	Visibility  string
	Claims      []*catalog.Claim
	Saw         string   // what the kernel showed: the failure, or the evidence of a pass
	Hint        string   // what to do about a failure
	Notes       []string // further observations, in order
	View        string   // the target's descriptor tables where they explain the failure
	Outputs     []Output // the target's output tails
	Port        int
	GraderError string // the grader could not run the check (not the student's fault)
	NotStarted  string // why the target command could not start at all in this check, if it could not
	Duration    time.Duration
}

// Output is the kept tail of one output stream of one target instance.
type Output struct {
	Label string // "stderr of instance 1"
	Text  string
}
