package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade/wait"
)

// The box's init is this same program, re-executed with initEnv set: any binary that links
// this package (the grade command, a test binary) can be a box's init, and no second
// program has to be built or found. It never returns to the program's main.
const initEnv = "SOCKSPEC_GRADE_INIT"

// ctlFD is the init's end of the control socket (a SOCK_SEQPACKET pair).
const ctlFD = 3

func init() {
	if spec, ok := os.LookupEnv(initEnv); ok {
		os.Exit(runInit(spec))
	}
}

type initConfig struct {
	Isolate bool   `json:"isolate"`
	User    *User  `json:"user"`
	Dir     string `json:"dir"`
	Limits  Limits `json:"limits"`
}

// request asks the init to start a command; the message carries its stdout and stderr as
// SCM_RIGHTS descriptors.
type request struct {
	Seq  int      `json:"seq"` // echoed in the answer, so a late answer is never taken for the next one's
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
}

// message is everything the init tells the grader.
type message struct {
	Kind   string `json:"kind"`          // ready, started, cannot-run (the command's fault), error (the box's), exit
	Seq    int    `json:"seq,omitempty"` // for started, cannot-run and error: the request answered
	PID    int    `json:"pid,omitempty"`
	Status int    `json:"status,omitempty"` // the raw wait status, for exit
	Error  string `json:"error,omitempty"`
}

type initState struct {
	cfg     initConfig
	mu      sync.Mutex // held while starting a command and while reaping, so an exit is never reported before its start
	started map[int]bool
}

func runInit(spec string) int {
	unix.CloseOnExec(ctlFD) // the commands must never get the control socket
	var cfg initConfig
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		return initFail("bad configuration: %v", err)
	}
	if cfg.Isolate {
		if err := loopbackUp(); err != nil {
			return initFail("bringing up lo in the new network namespace: %v", err)
		}
	} else if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return initFail("becoming the child subreaper: %v", err)
	}
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, unix.SIGCHLD)
	in := &initState{cfg: cfg, started: map[int]bool{}}
	in.send(message{Kind: "ready"}, nil)

	quit := make(chan struct{})
	go func() {
		in.serve()
		close(quit)
	}()
	for {
		select {
		case <-sigs:
			in.reap()
		case <-quit:
			in.killAll()
			return 0
		}
	}
}

func initFail(format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	b, _ := json.Marshal(message{Kind: "error", Error: msg})
	unix.Sendmsg(ctlFD, b, nil, nil, unix.MSG_NOSIGNAL)
	fmt.Fprintln(os.Stderr, "grade sandbox init:", msg)
	return 1
}

// serve starts the commands the grader asks for, until the grader closes its end (or
// dies: the kernel closes it then).
func (in *initState) serve() {
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(2*4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(ctlFD, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return
		}
		fds := receivedFDs(oob[:oobn])
		var req request
		if err := json.Unmarshal(buf[:n], &req); err != nil || len(fds) != 2 {
			in.send(message{Kind: "error", Seq: req.Seq, Error: fmt.Sprintf("bad request (%d descriptors): %v", len(fds), err)}, nil)
		} else {
			in.start(req, fds[0], fds[1])
		}
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
}

func receivedFDs(oob []byte) []int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var fds []int
	for _, m := range msgs {
		if got, err := unix.ParseUnixRights(&m); err == nil {
			fds = append(fds, got...)
		}
	}
	return fds
}

func (in *initState) start(req request, stdout, stderr int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	path, err := lookPath(req.Argv[0], req.Env, in.cfg.Dir)
	if err != nil {
		in.send(message{Kind: "cannot-run", Seq: req.Seq, Error: err.Error()}, nil)
		return
	}
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		in.send(message{Kind: "error", Seq: req.Seq, Error: "open /dev/null: " + err.Error()}, nil)
		return
	}
	defer unix.Close(null)
	// The command starts as this program in its exec mode (exec_linux.go), which takes on
	// the user, the limits and default signals and then execs the command: the limits
	// never bind the init, and the command starts with all of them in place.
	shim, _ := json.Marshal(execConfig{Path: path, User: in.cfg.User, Limits: in.cfg.Limits})
	pid, err := syscall.ForkExec("/proc/self/exe", req.Argv, &syscall.ProcAttr{
		Dir:   in.cfg.Dir,
		Env:   append(req.Env[:len(req.Env):len(req.Env)], execEnv+"="+string(shim)),
		Files: []uintptr{uintptr(null), uintptr(stdout), uintptr(stderr)},
		Sys:   &syscall.SysProcAttr{Setsid: true}, // its own session: no terminal, its own process group
	})
	if err != nil {
		in.send(message{Kind: "cannot-run", Seq: req.Seq, Error: fmt.Sprintf("cannot run %s: %v", req.Argv[0], err)}, nil)
		return
	}
	in.started[pid] = true
	in.send(message{Kind: "started", Seq: req.Seq, PID: pid}, nil)
}

// lookPath finds the program as execvp would, in the command's own PATH; a relative path
// with a slash is relative to the command's directory.
func lookPath(name string, env []string, dir string) (string, error) {
	if strings.Contains(name, "/") {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("command not found: %s (%v)", name, unwrapPathError(err))
		}
		return p, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, d := range filepath.SplitList(path) {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("command not found: %s (not in PATH=%s)", name, path)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// reap collects every child that ended: the commands it started (reported to the
// grader) and the orphans the namespace or the subreaper handed to it.
func (in *initState) reap() {
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		if in.started[pid] {
			delete(in.started, pid)
			in.send(message{Kind: "exit", PID: pid, Status: int(ws)}, nil)
		}
	}
}

// killAll ends every process of the box and reaps them. In a PID namespace kill(-1) from
// its init reaches every process in it but the init; without one, the processes are the
// init's descendants. Bounded: if something will not die, the init exits anyway, and
// (in a namespace) the kernel kills what is left when its PID 1 exits.
func (in *initState) killAll() {
	self := os.Getpid()
	wait.Until(5*time.Second, func() bool {
		if in.cfg.Isolate {
			unix.Kill(-1, unix.SIGKILL)
		} else {
			for _, p := range Descendants(self) {
				unix.Kill(p, unix.SIGKILL)
			}
		}
		in.reap()
		_, err := unix.Wait4(-1, nil, unix.WNOHANG, nil)
		return err == unix.ECHILD
	})
}

func (in *initState) send(m message, fds []int) {
	b, _ := json.Marshal(m)
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	unix.Sendmsg(ctlFD, b, oob, nil, unix.MSG_NOSIGNAL)
}

// loopbackUp sets lo up: in a fresh network namespace it exists but is down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return os.NewSyscallError("SIOCGIFFLAGS", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return os.NewSyscallError("SIOCSIFFLAGS", unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr))
}
