package grade

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A grader killed with SIGKILL leaves its directory; the next grading removes it, but
// never the directory of a grader still running.
func TestRemoveStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-test", tmpPrefix, dead.Process.Pid))
	live := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-test", tmpPrefix, os.Getppid()))
	for _, d := range []string{stale, live} {
		if err := os.MkdirAll(filepath.Join(d, "submission"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	defer os.RemoveAll(live)
	removeStale()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("%s of a dead grader is still there (%v)", stale, err)
		os.RemoveAll(stale)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("%s of a running process was removed", live)
	}
}
