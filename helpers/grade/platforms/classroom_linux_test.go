package platforms_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"sockspec/helpers/repo"
)

// The workflow's steps, run as GitHub's runner runs them: each step's command by a shell in
// the student's repository (a sample's files, and the .github directory make classroom
// wrote), with sudo, RUNNER_TEMP set and no Go on PATH. The command grader gives a step its
// max-score when the command exits 0 and 0 otherwise, and the reporter adds them up; a
// sample's steps must pass exactly for the checks its manifest says it passes.
func TestClassroomSteps(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skipf("environment (needs root): the workflow runs the grader with sudo, as root (running as uid %d)", os.Geteuid())
	}
	bundled, _ := made(t)
	root, _ := repo.Root()
	// sudo on the runner is passwordless; here, as root, it only runs the command.
	fakebin := t.TempDir()
	if err := os.WriteFile(filepath.Join(fakebin, "sudo"), []byte("#!/bin/sh\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples(t)[:4] {
		t.Run(s.assignment+"/"+s.name, func(t *testing.T) {
			rub := loadRubric(t, filepath.Join(root, "fixtures", "assignments", s.assignment+".yaml"), s.assignment)
			made := filepath.Join(bundled, "classroom", s.assignment)
			steps := readWorkflow(t, filepath.Join(made, ".github", "workflows", "classroom.yml"), rub)
			repoDir := submission(t, s)
			if out, err := exec.Command("cp", "-R", filepath.Join(made, ".github"), repoDir).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			runnerTemp := t.TempDir()
			type result struct {
				passed bool
				out    []byte
			}
			results := make([]result, len(steps))
			var wg sync.WaitGroup
			sem := make(chan struct{}, 2)
			for i, st := range steps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					cmd := exec.Command("sh", "-c", st.command)
					cmd.Dir = repoDir
					cmd.Env = []string{"PATH=" + fakebin + ":" + cleanPath, "HOME=" + runnerTemp, "RUNNER_TEMP=" + runnerTemp}
					out, err := cmd.CombinedOutput()
					results[i] = result{err == nil, out}
				}()
			}
			wg.Wait()
			score, max := 0, 0
			for i, st := range steps {
				max += st.points
				want := s.broken == "" && contains(s.pass, st.id)
				if results[i].passed {
					score += st.points
				}
				if results[i].passed != want {
					t.Errorf("step %s: passed %v, want %v; it printed:\n%s", st.id, results[i].passed, want, results[i].out)
				}
			}
			wantScore, wantMax := expected(rub, s)
			t.Logf("%s/%s: the reporter's Points %d/%d", s.assignment, s.name, score, max)
			if float64(score) != wantScore || float64(max) != wantMax {
				t.Errorf("Points %d/%d, want %v/%v", score, max, wantScore, wantMax)
			}
		})
	}
}
