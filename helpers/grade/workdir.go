package grade

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// tmpPrefix starts the name of each grading's directory, followed by the grader's PID.
const tmpPrefix = "sockspec-grade-"

// workDir makes this grading's directory in the temporary directory, locked (flock) by
// this grader until release removes it: the lock, not the PID in its name, tells other
// graders it is alive, whatever PID namespace they run in (containers and CI jobs share
// /tmp; a PID means nothing outside its namespace). It is made under a name removeStale
// passes over, locked, and only then renamed, so no grader ever finds it unlocked.
func workDir() (dir string, release func(), err error) {
	hidden, err := os.MkdirTemp("", "."+tmpPrefix)
	if err != nil {
		return "", nil, err
	}
	fd, err := unix.Open(hidden, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		if err = unix.Flock(fd, unix.LOCK_EX); err != nil {
			unix.Close(fd)
		}
	}
	if err != nil {
		os.Remove(hidden)
		return "", nil, fmt.Errorf("locking the grading's directory %s: %w", hidden, err)
	}
	dir = filepath.Join(filepath.Dir(hidden), fmt.Sprintf("%s%d-%s", tmpPrefix, os.Getpid(), strings.TrimPrefix(filepath.Base(hidden), "."+tmpPrefix)))
	if err := os.Rename(hidden, dir); err != nil {
		os.RemoveAll(hidden)
		unix.Close(fd)
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		unix.Close(fd)
	}, nil
}

// removeStale removes the directories of graders that died without cleaning up (killed
// with SIGKILL: their boxes' inits killed the targets, but nothing removed the copies).
// A directory is stale when no grader holds its lock and no process of the PID in its
// name runs here (a grader of an older version, which took no lock); one that is not this
// user's is left alone.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tmpPrefix+"*-*"))
	for _, d := range dirs {
		if stale(d) {
			os.RemoveAll(d)
		}
	}
}

func stale(dir string) bool {
	pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(dir), tmpPrefix), "-", 2)[0])
	if err != nil {
		return false
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); !os.IsNotExist(err) {
		return false
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd) // the lock goes with it: no grader locks a stale directory again
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || int(st.Uid) != os.Geteuid() {
		return false
	}
	return unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) == nil
}
