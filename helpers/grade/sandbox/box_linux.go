package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
	"sockspec/helpers/grade/wait"
)

// Box is one sandbox: its init, and the namespaces it is PID 1 of when isolated.
type Box struct {
	cfg   Config
	init  *exec.Cmd
	ctl   int // the grader's end of the control socket
	netns int // the box's network namespace, -1 when not isolated
	// The box's PID namespace, held open until the box is closed and checked empty: a
	// namespace's inode number is reused as soon as it is freed, so without this another
	// box's namespace could pass for this one.
	pidnsFD int
	pidns   uint64

	runMu   sync.Mutex // one start request at a time
	replies chan message
	mu      sync.Mutex
	procs   map[int]*Proc // by PID as the init sees it
	pending *Proc         // the Proc of the start request in flight
	all     []*Proc
	dead    chan struct{} // closed when the init exited
	closed  bool
}

// Proc is a command started in a box.
type Proc struct {
	PID            int // as the init sees it: in an isolated box, the PID inside the namespace
	Shell          bool
	Stdout, Stderr *Tail
	readers        []*os.File
	done           chan struct{}
	exit           Exit
}

// Done is closed when the command's first process has ended (its children may live on).
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exit is how it ended; valid once Done is closed.
func (p *Proc) Exit() Exit { <-p.done; return p.exit }

// Exited reports whether it ended, without waiting.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *Proc) closeOutput() {
	for _, r := range p.readers {
		r.Close()
	}
}

// Start makes a box: it starts the init (in fresh namespaces when cfg.Isolate) and waits
// until it is ready.
func Start(cfg Config) (*Box, error) {
	spec, _ := json.Marshal(initConfig{Isolate: cfg.Isolate, User: cfg.User, Dir: cfg.Dir, Limits: cfg.Limits})
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	theirs := os.NewFile(uintptr(pair[1]), "grade-init-control")
	defer theirs.Close()
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"sockspec-grade-init"}
	cmd.Env = []string{initEnv + "=" + string(spec)}
	cmd.ExtraFiles = []*os.File{theirs} // fd 3 in the init
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = sysProcAttr(cfg.Isolate)
	if err := cmd.Start(); err != nil {
		unix.Close(pair[0])
		if cfg.Isolate && errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("%w: %s (needs CAP_SYS_ADMIN, which containers often drop)", ErrNoNamespaces, errno.Describe(err))
		}
		return nil, fmt.Errorf("starting the sandbox's init: %w", err)
	}
	b := &Box{cfg: cfg, init: cmd, ctl: pair[0], netns: -1, pidnsFD: -1, replies: make(chan message, 1),
		procs: map[int]*Proc{}, dead: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(b.dead)
	}()
	go b.listen()
	select {
	case m := <-b.replies:
		if m.Kind != "ready" {
			b.Close()
			return nil, fmt.Errorf("the sandbox's init failed: %s", m.Error)
		}
	case <-time.After(10 * time.Second):
		b.Close()
		return nil, errors.New("the sandbox's init did not get ready within 10s")
	}
	if cfg.Isolate {
		ns, err := unix.Open(fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("opening the sandbox's network namespace: %w", err)
		}
		b.netns = ns
		if b.pidnsFD, err = unix.Open(fmt.Sprintf("/proc/%d/ns/pid", cmd.Process.Pid), unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
			b.Close()
			return nil, fmt.Errorf("opening the sandbox's PID namespace: %w", err)
		}
		var st unix.Stat_t
		if err := unix.Fstat(b.pidnsFD, &st); err == nil {
			b.pidns = st.Ino
		}
	}
	return b, nil
}

// CanIsolate says whether this process can make a box's namespaces: nil if it can, else
// why not (ErrNoNamespaces inside a container without CAP_SYS_ADMIN, for one).
func CanIsolate() error {
	b, err := Start(Config{Isolate: true, Dir: "/", Tail: 1})
	if err != nil {
		return err
	}
	return b.Close()
}

func sysProcAttr(isolate bool) *unix.SysProcAttr {
	if !isolate {
		return nil
	}
	return &unix.SysProcAttr{Cloneflags: unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWIPC}
}

// InitPID is the init's PID in the grader's namespace: /proc/<it>/net/tcp is the box's
// TCP table, and every process of the box descends from it.
func (b *Box) InitPID() int { return b.init.Process.Pid }

// Isolated says whether the box has its own namespaces and user.
func (b *Box) Isolated() bool { return b.cfg.Isolate }

// listen reads the init's messages until it closes its end.
func (b *Box) listen() {
	buf := make([]byte, 64<<10)
	for {
		n, _, _, _, err := unix.Recvmsg(b.ctl, buf, nil, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			b.mu.Lock()
			for _, p := range b.procs {
				p.exit = Exit{Code: -1, Shell: p.Shell}
				close(p.done)
			}
			b.procs = map[int]*Proc{}
			b.mu.Unlock()
			return
		}
		var m message
		if json.Unmarshal(buf[:n], &m) != nil {
			continue
		}
		if m.Kind == "started" {
			// Registered here, before the next message is read: that may be its exit.
			b.mu.Lock()
			if p := b.pending; p != nil {
				p.PID = m.PID
				b.procs[p.PID] = p
				b.all = append(b.all, p)
				b.pending = nil
			}
			b.mu.Unlock()
		}
		if m.Kind != "exit" {
			b.replies <- m
			continue
		}
		b.mu.Lock()
		if p := b.procs[m.PID]; p != nil {
			delete(b.procs, m.PID)
			ws := unix.WaitStatus(m.Status)
			p.exit = Exit{Code: ws.ExitStatus(), Shell: p.Shell}
			if ws.Signaled() {
				p.exit = Exit{Signal: ws.Signal(), Shell: p.Shell}
			}
			close(p.done)
		}
		b.mu.Unlock()
	}
}

// Run starts argv in the box with the environment env. With combined, stdout and stderr
// are one stream (Stdout). The command's output is drained from now on.
func (b *Box) Run(argv []string, env []string, shell, combined bool) (*Proc, error) {
	b.runMu.Lock()
	defer b.runMu.Unlock()
	p := &Proc{Shell: shell, Stdout: NewTail(b.cfg.Tail), done: make(chan struct{})}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW := outR, outW
	if combined {
		p.Stderr = p.Stdout
	} else {
		if errR, errW, err = os.Pipe(); err != nil {
			outR.Close()
			outW.Close()
			return nil, err
		}
		p.Stderr = NewTail(b.cfg.Tail)
	}
	b.mu.Lock()
	b.pending = p
	b.mu.Unlock()
	req, _ := json.Marshal(request{Argv: argv, Env: env})
	err = unix.Sendmsg(b.ctl, req, unix.UnixRights(int(outW.Fd()), int(errW.Fd())), nil, unix.MSG_NOSIGNAL)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("asking the sandbox's init to run %q: %w", argv, err)
	}
	var m message
	select {
	case m = <-b.replies:
	case <-b.dead:
		m = message{Kind: "error", Error: "the sandbox's init died"}
	case <-time.After(10 * time.Second):
		m = message{Kind: "error", Error: "the sandbox's init did not answer within 10s"}
	}
	if m.Kind != "started" {
		b.mu.Lock()
		b.pending = nil
		b.mu.Unlock()
		outR.Close()
		errR.Close()
		if m.Kind == "cannot-run" {
			return nil, &CannotRunError{Msg: m.Error}
		}
		return nil, errors.New(m.Error)
	}
	b.mu.Lock()
	p.readers = []*os.File{outR}
	if !combined {
		p.readers = append(p.readers, errR)
	}
	b.mu.Unlock()
	go p.Stdout.drain(outR)
	if !combined {
		go p.Stderr.drain(errR)
	}
	return p, nil
}

// Processes lists the host PIDs of every process in the box but its init.
func (b *Box) Processes() []int { return Descendants(b.InitPID()) }

// Empty says whether no process but the init is left. It takes two scans of /proc in a
// row: one scan can miss a daemon's grandchild forked after it listed /proc by a child
// that exited before it read that child.
func (b *Box) Empty() bool { return len(b.Processes()) == 0 && len(b.Processes()) == 0 }

// Signal sends sig to every process in the box but its init.
func (b *Box) Signal(sig unix.Signal) {
	for _, p := range b.Processes() {
		unix.Kill(p, sig)
	}
}

// Stop ends every process in the box, as a grader stops a server: SIGTERM, then SIGKILL
// for whatever still runs after grace. It reports whether SIGKILL was needed.
func (b *Box) Stop(grace time.Duration) (killed bool, err error) {
	b.Signal(unix.SIGTERM)
	if wait.Until(grace, b.Empty) {
		return false, nil
	}
	if wait.Until(2*time.Second, func() bool {
		b.Signal(unix.SIGKILL)
		return b.Empty()
	}) {
		return true, nil
	}
	return true, fmt.Errorf("processes still running after SIGKILL: %v", b.Processes())
}

// InNet runs fn on an OS thread inside the box's network namespace (on the grader's own
// thread when the box is not isolated): a socket fn makes belongs to the box for good.
func (b *Box) InNet(fn func() error) error {
	if b.netns < 0 {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("opening this thread's network namespace: %w", err)
			return
		}
		defer unix.Close(orig)
		if err := unix.Setns(b.netns, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering the sandbox's network namespace: %w", os.NewSyscallError("setns", err))
			return
		}
		err = fn()
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		} // else the goroutine ends locked and the runtime drops the thread
		errc <- err
	}()
	return <-errc
}

// Close kills every process in the box, waits for its init to exit and releases the
// namespaces. It returns an error naming anything that is still running.
func (b *Box) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	all := b.all
	b.mu.Unlock()

	var survivors []int
	if !b.cfg.Isolate {
		// Kill while they are still the init's descendants; once it exits they would be
		// reparented out of sight.
		if !wait.Until(2*time.Second, func() bool {
			b.Signal(unix.SIGKILL)
			return b.Empty()
		}) {
			survivors = b.Processes()
		}
	}
	// shutdown, not only close: the listening goroutine is inside recvmsg on it, which
	// would keep the socket open. The init sees the end, kills everything left and exits.
	unix.Shutdown(b.ctl, unix.SHUT_RDWR)
	unix.Close(b.ctl)
	select {
	case <-b.dead:
	case <-time.After(5 * time.Second):
		b.init.Process.Kill() // as PID 1 of its namespace, the kernel kills the rest with it
		<-b.dead
	}
	for _, p := range all {
		p.closeOutput()
	}
	if b.netns >= 0 {
		unix.Close(b.netns)
	}
	left := b.leftovers()
	for _, p := range survivors {
		left = append(left, strconv.Itoa(p))
	}
	if b.pidnsFD >= 0 {
		unix.Close(b.pidnsFD)
	}
	if len(left) > 0 {
		return fmt.Errorf("the sandbox left processes running: %s", strings.Join(left, ", "))
	}
	return nil
}

// leftovers lists processes still in the box's PID namespace after it closed.
func (b *Box) leftovers() []string {
	if b.pidns == 0 {
		return nil
	}
	var left []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name()+"/ns/pid", &st) == nil && st.Ino == b.pidns {
			comm, _ := os.ReadFile("/proc/" + e.Name() + "/comm")
			left = append(left, e.Name()+" ("+strings.TrimSpace(string(comm))+")")
		}
	}
	return left
}
