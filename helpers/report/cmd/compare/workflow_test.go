package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sockspec/helpers/repo"
)

// The CI workflow (whose last job runs this command) passes actionlint, and actionlint
// catches a workflow broken the way an edit could break it: a matrix key that does not
// exist. make test runs actionlint on the real one too (make actionlint).
func TestWorkflowPassesActionlint(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	lint := func(file string) (string, error) {
		cmd := exec.Command("go", "tool", "actionlint", "-no-color", file)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	real := filepath.Join(root, ".github", "workflows", "ci.yml")
	if out, err := lint(real); err != nil {
		t.Fatalf("actionlint %s: %v\n%s", real, err, out)
	}
	data, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "runs-on: ${{ matrix.os }}", "runs-on: ${{ matrix.runner }}", 1)
	if broken == string(data) {
		t.Fatal("ci.yml no longer has runs-on: ${{ matrix.os }}; break it another way")
	}
	file := filepath.Join(t.TempDir(), "ci.yml")
	os.WriteFile(file, []byte(broken), 0o644)
	out, err := lint(file)
	if err == nil || !strings.Contains(out, `property "runner" is not defined`) {
		t.Errorf("actionlint passed a workflow that names an undefined matrix key (%v):\n%s", err, out)
	}
}
