// Package sandbox runs a student's commands (build and server) as untrusted code.
//
// A Box is one sandbox: a small init of the grader's own (this program re-executed in a
// hidden mode, see init_linux.go) that starts the commands, reaps every process they leave
// and kills them all when the box closes. As root the init is PID 1 of fresh PID, network
// and IPC namespaces (the network has only loopback, brought up), and the commands run as
// an unprivileged user; not as root the box is the grader's own user and network, with the
// init as child subreaper so daemons still stay inside. Either way the commands get
// rlimits, default signal dispositions, /dev/null as stdin and pipes the grader drains
// continuously as stdout and stderr, keeping only a bounded tail.
package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Limits are the rlimits every command of a box runs under.
type Limits struct {
	CPUSeconds      int // RLIMIT_CPU, per process
	AddressSpaceMiB int // RLIMIT_AS; threaded servers reserve hundreds of MiB, so ≥ 1024
	OpenFiles       int // RLIMIT_NOFILE
	Processes       int // RLIMIT_NPROC (counted per user, threads included)
	FileSizeMiB     int // RLIMIT_FSIZE
}

// User is the account commands run as.
type User struct {
	Name     string
	UID, GID int
}

// Config says how a box runs its commands.
type Config struct {
	Dir     string // the working directory of every command (the submission's copy)
	Isolate bool   // fresh PID, network and IPC namespaces; needs root
	User    *User  // run as this user (needs root); nil: the grader's own user
	Limits  Limits
	Tail    int // bytes of each output stream kept (the tail)
}

// Exit is how a command's first process ended.
type Exit struct {
	Code   int         // exit status, when it exited
	Signal unix.Signal // the signal that killed it, or 0
	// Shell is true when the command ran through sh -c: sh reports a child killed by
	// signal n as exit status 128+n, so such a status is read as that signal.
	Shell bool
}

// Signaled says whether a signal ended the command, also as reported by a shell.
func (e Exit) Signaled() (unix.Signal, bool) {
	if e.Signal != 0 {
		return e.Signal, true
	}
	if e.Shell && e.Code > 128 && e.Code < 128+65 {
		return unix.Signal(e.Code - 128), true
	}
	return 0, false
}

func (e Exit) String() string {
	if sig, ok := e.Signaled(); ok {
		s := fmt.Sprintf("was killed by %s (%s)", SignalName(sig), sig)
		if e.Signal == 0 {
			s += fmt.Sprintf(", as its shell reported with exit status %d", e.Code)
		}
		return s
	}
	return fmt.Sprintf("exited with status %d", e.Code)
}

// SignalName is the C name of a signal: "SIGPIPE".
func SignalName(sig unix.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// CannotRunError says the command itself could not start (not found, not executable):
// the submission's problem, not the sandbox's.
type CannotRunError struct{ Msg string }

func (e *CannotRunError) Error() string { return e.Msg }

// ErrNoNamespaces says the box's namespaces could not be made.
var ErrNoNamespaces = errors.New("creating the sandbox's namespaces")

// ErrNotLinux is what every entry point returns on other OSes.
var ErrNotLinux = fmt.Errorf("grading runs only on Linux (it needs /proc, namespaces and the kernel's TCP tables)")

// Command is a command line as an argv: a command without shell syntax runs directly
// (so its exit status and signals are its own), anything else through sh -c.
func Command(line string) (argv []string, shell bool) {
	if strings.ContainsAny(line, ";&|<>()$`\\\"'*?[]#~=%{}!\n") || strings.TrimSpace(line) == "" {
		return []string{"/bin/sh", "-c", line}, true
	}
	return strings.Fields(line), false
}

// Starting a box forks this program, and until the child execs it holds a copy of every
// descriptor the grader has open at that moment, close-on-exec or not. A socket the grader
// closes meanwhile lives on in that copy: the port it held stays taken for the milliseconds
// the exec takes (the target's bind then fails with EADDRINUSE), a connection sends its FIN
// or RST late. Unforked and CloseNow keep forks away from the sockets whose end counts.

// Unforked runs fn while this program starts no process (syscall.ForkLock held for
// reading): a descriptor fn opens and closes is never copied into a child, so whatever it
// held is free the moment fn closes it. fn must not call CloseNow or Unforked itself.
func Unforked(fn func() error) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	return fn()
}

// CloseNow closes fd once no process is being started: a child forked while fd was open
// has reached its exec by then, where it drops its copy, so the socket ends with this
// close (its port free, its FIN or RST sent) and not when some child gets to exec.
func CloseNow(fd int) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	return unix.Close(fd)
}
