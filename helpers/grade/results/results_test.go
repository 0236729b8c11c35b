package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sockspec/helpers/catalog"
	"sockspec/helpers/grade"
)

func report() *grade.Report {
	cl := &catalog.Claim{ID: "accept.one-plus-n", Verdict: "holds", Seed: "서버 소켓 1개와 ... 소켓 N개", Statement: "With N clients accepted,\n the table holds 1 + N."}
	return &grade.Report{Assignment: "tcp-echo", Title: "TCP echo server", Target: "./server {port}", Isolated: true,
		Isolation: "isolated: …", Score: 10, MaxScore: 25, Started: time.Unix(0, 0), Duration: 1234 * time.Millisecond,
		Visibility: "visible", Build: &grade.BuildResult{Command: "cc", OK: true, Status: "exited with status 0"},
		Checks: []grade.CheckResult{
			{ID: "listens", Number: 1, Title: "it listens", Expect: "a listener", Points: 10, MaxPoints: 10, Passed: true, Saw: "listened | fast"},
			{ID: "no-leak", Number: 2, Title: "no leaks", Expect: "no sockets left", Points: 0, MaxPoints: 15, Visibility: "after_due_date",
				Claims: []*catalog.Claim{cl}, Saw: "20 sockets in CLOSE_WAIT", Hint: "close them", View: "pid 1 (server)\n  fd 4: ```odd```",
				Outputs: []grade.Output{{Label: "stderr of instance 1", Text: "oops\n"}}},
		}}
}

func TestAutolabLine(t *testing.T) {
	got := string(Autolab(report()))
	if got != `{"scores": {"listens": 10, "no-leak": 0}}` {
		t.Errorf("Autolab = %s", got)
	}
	if strings.Contains(got, "\n") {
		t.Error("the scores must be one line")
	}
}

func TestGradescope(t *testing.T) {
	b, err := Gradescope(report())
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Score         float64
		ExecutionTime float64 `json:"execution_time"`
		Tests         []struct {
			Name, Status, Visibility, Output, Number string
			Score                                    float64
			MaxScore                                 float64 `json:"max_score"`
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Score != 10 || v.ExecutionTime != 1.234 || len(v.Tests) != 2 {
		t.Fatalf("%s", b)
	}
	leak := v.Tests[1]
	if !strings.HasPrefix(leak.Name, "no-leak") || leak.Status != "failed" || leak.Visibility != "after_due_date" || leak.MaxScore != 15 || leak.Number != "2" {
		t.Errorf("test %+v", leak)
	}
	if !strings.Contains(leak.Output, "서버 소켓 1개") || !strings.Contains(leak.Output, "close them") {
		t.Errorf("the test's output should quote the claim and say what to do:\n%s", leak.Output)
	}
	if strings.Contains(string(b), `"visibility": ""`) {
		t.Error("a check without its own visibility must leave it to the top level")
	}
}

func TestPrairieLearn(t *testing.T) {
	b, err := PrairieLearn(report())
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Gradable bool
		Score    float64
		Tests    []struct {
			Points    float64
			MaxPoints float64 `json:"max_points"`
		}
	}
	if err := json.Unmarshal(b, &v); err != nil || !v.Gradable || v.Score != 0.4 || v.Tests[1].MaxPoints != 15 {
		t.Errorf("%s (%v)", b, err)
	}
}

func TestFeedback(t *testing.T) {
	f := Feedback(report())
	for _, want := range []string{"# tcp-echo: 10/25", "| ✓ `listens` it listens | 10/10 | a listener | listened \\| fast |",
		"| ✗ `no-leak` no leaks | 0/15 |", "> With N clients accepted, the table holds 1 + N.", "````text\npid 1 (server)", "**Stderr of instance 1** (the end)"} {
		if !strings.Contains(f, want) {
			t.Errorf("feedback lacks %q:\n%s", want, f)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "grade")
	if err := Write(dir, report()); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(Files) {
		t.Errorf("want exactly %v, got %v", Files, entries)
	}
}
