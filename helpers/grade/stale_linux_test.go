package grade

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A grader killed with SIGKILL leaves its directory; the next grading removes it, but never
// the directory of a grader still running: not this one's, not one of a grader whose PID
// means nothing here (another PID namespace sharing /tmp: a container, a CI job), which
// holds its directory's lock, and not one of a grader of an older version, which took no
// lock but whose PID runs here.
func TestRemoveStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mine, release, err := workDir()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := os.Mkdir(filepath.Join(mine, "submission"), 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-test", tmpPrefix, dead.Process.Pid))
	elsewhere := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-test-locked", tmpPrefix, dead.Process.Pid))
	older := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-test", tmpPrefix, os.Getppid()))
	for _, d := range []string{stale, elsewhere, older} {
		if err := os.MkdirAll(filepath.Join(d, "submission"), 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(d)
	}
	// The grader in the other namespace holds its lock, as workDir does.
	fd, err := unix.Open(elsewhere, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	removeStale()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("%s of a dead grader is still there (%v)", stale, err)
	}
	for _, d := range []string{mine, elsewhere, older} {
		if _, err := os.Stat(filepath.Join(d, "submission")); err != nil {
			t.Errorf("%s of a running grader was removed", d)
		}
	}
}
