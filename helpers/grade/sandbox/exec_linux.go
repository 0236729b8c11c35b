package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The init starts each command as this program again, with execEnv set: it applies the
// box's limits and user to itself, then execs the command. The Go runtime of this short
// step runs as root and unlimited; the command starts with the limits already in place.
const execEnv = "SOCKSPEC_GRADE_EXEC"

type execConfig struct {
	Path   string `json:"path"`
	User   *User  `json:"user"`
	Limits Limits `json:"limits"`
}

func init() {
	if spec, ok := os.LookupEnv(execEnv); ok {
		os.Exit(runExec(spec))
	}
}

func runExec(spec string) int {
	var cfg execConfig
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		return execFail("bad configuration: %v", err)
	}
	os.Unsetenv(execEnv)
	if u := cfg.User; u != nil {
		// Since Go 1.16 these apply to every thread of the process.
		if err := syscall.Setgroups(nil); err != nil {
			return execFail("setgroups: %v", err)
		}
		if err := syscall.Setresgid(u.GID, u.GID, u.GID); err != nil {
			return execFail("setresgid %d: %v", u.GID, err)
		}
		if err := syscall.Setresuid(u.UID, u.UID, u.UID); err != nil {
			return execFail("setresuid %d (%s): %v", u.UID, u.Name, err)
		}
	}
	// No setuid binary can give the command back what it just lost.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return execFail("PR_SET_NO_NEW_PRIVS: %v", err)
	}
	// Only stdin, stdout and stderr pass to the command: whatever the grader inherited
	// from its own parent without close-on-exec (a CI runner's pipes) must not.
	if err := closeOnExecFrom(3); err != nil {
		return execFail("marking descriptors close-on-exec: %v", err)
	}
	// The limits come last, just before exec: this Go runtime must not meet them (its
	// address space, its threads counted against the user's RLIMIT_NPROC, which other
	// boxes running as the same user share).
	if err := setLimits(cfg); err != nil {
		return execFail("%v", err)
	}
	runtime.LockOSThread() // the signal mask is this thread's, and exec keeps it
	defaultSignals()
	err := syscall.Exec(cfg.Path, os.Args, os.Environ())
	return execFail("cannot run %s: %v", os.Args[0], err)
}

// defaultSignals gives every signal its default action and unblocks them all, as a
// student's server expects: a signal the grader was started with ignored (nohup, some CI
// runners, the Go runtime's own choices) would otherwise stay ignored across exec.
// Right before exec this Go runtime no longer needs its handlers. An all-zero struct
// sigaction is SIG_DFL, no flags, empty mask, whatever the architecture's layout.
func defaultSignals() {
	var dfl [4]uint64
	for sig := 1; sig <= 64; sig++ {
		if sig != int(unix.SIGKILL) && sig != int(unix.SIGSTOP) {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
		}
	}
	var none uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&none)), 0, 8, 0, 0)
}

// closeOnExecFrom marks every descriptor from first on close-on-exec: close_range(2)
// where the kernel has it (5.11), else one by one from /proc/self/fd.
func closeOnExecFrom(first int) error {
	if unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC) == nil {
		return nil
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd >= first {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}

// execFail reports on the command's own stderr, where the grader shows it, with the
// status a shell gives a command it cannot run.
func execFail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "grade: "+format+"\n", args...)
	return 127
}

// setLimits applies the box's rlimits, before the command starts.
// RLIMIT_NPROC counts per user: as root it binds the unprivileged user, whose count starts
// near zero; as the grader's own user, the processes that user already runs count too, so
// the limit is raised by that many.
func setLimits(cfg execConfig) error {
	l := cfg.Limits
	nproc := l.Processes
	if cfg.User == nil && nproc > 0 {
		nproc += tasksOf(os.Getuid())
	}
	for _, r := range []struct {
		name     string
		resource int
		value    uint64
	}{
		{"RLIMIT_CPU", unix.RLIMIT_CPU, uint64(l.CPUSeconds)},
		{"RLIMIT_AS", unix.RLIMIT_AS, uint64(l.AddressSpaceMiB) << 20},
		{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE, uint64(l.OpenFiles)},
		{"RLIMIT_NPROC", unix.RLIMIT_NPROC, uint64(nproc)},
		{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE, uint64(l.FileSizeMiB) << 20},
		{"RLIMIT_CORE", unix.RLIMIT_CORE, 0}, // a crashing server must not leave core files
	} {
		if r.value == 0 && r.resource != unix.RLIMIT_CORE {
			continue // not limited by the rubric
		}
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(r.resource, &cur); err != nil {
			return fmt.Errorf("getrlimit %s: %v", r.name, err)
		}
		v := r.value
		if cur.Max != unix.RLIM_INFINITY && v > cur.Max {
			v = cur.Max // the user the command runs as cannot raise a hard limit
		}
		// syscall's Setrlimit, so that Exec does not put back the Go runtime's saved
		// RLIMIT_NOFILE.
		if err := syscall.Setrlimit(r.resource, &syscall.Rlimit{Cur: v, Max: v}); err != nil {
			return fmt.Errorf("setrlimit %s to %d: %v", r.name, v, err)
		}
	}
	return nil
}

// tasksOf counts the tasks (threads included, as RLIMIT_NPROC does) of uid.
func tasksOf(uid int) int {
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		var ruid, threads int
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Uid:"); ok {
				fmt.Sscan(v, &ruid)
			} else if v, ok := strings.CutPrefix(line, "Threads:"); ok {
				fmt.Sscan(v, &threads)
			}
		}
		if ruid == uid {
			n += threads
		}
	}
	return n
}
