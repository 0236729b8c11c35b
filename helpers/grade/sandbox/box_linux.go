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
//
// Its descriptors are numbers that the kernel hands out again as soon as they are closed,
// to whatever this program opens next (another box's control socket, a client's socket):
// none may be used after its close, by any goroutine. The control socket is read by one
// goroutine only (listen), and closed only once that goroutine has returned; the namespace
// descriptors are used under nsMu and closed under it.
type Box struct {
	cfg  Config
	init *exec.Cmd

	ctlMu    sync.RWMutex  // held by the writers of ctl (Run, Close's shutdown), and to close it
	ctl      int           // the grader's end of the control socket; -1 once closed
	listened chan struct{} // closed when listen returned: nothing reads ctl any more

	nsMu  sync.RWMutex // held for reading while netns is used, for writing to close it
	netns int          // the box's network namespace, -1 when not isolated or closed
	// The box's PID namespace, held open until the box is closed and checked empty: a
	// namespace's inode number is reused as soon as it is freed, so without this another
	// box's namespace could pass for this one.
	pidnsFD int
	pidns   uint64

	runMu   sync.Mutex   // one start request at a time
	ready   chan message // the init's first message: ready, or why it failed
	mu      sync.Mutex
	seq     int           // the number of the last start request
	pending *startRequest // the start request in flight
	procs   map[int]*Proc // by PID as the init sees it
	all     []*Proc
	greeted bool          // the init's first message has come
	dead    chan struct{} // closed when the init exited
	closed  bool
}

// startRequest is a Run waiting for the init's answer to its request number seq.
type startRequest struct {
	seq   int
	proc  *Proc
	reply chan message // buffered: listen never waits on it
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
	if err := procIsOurs(); err != nil {
		return nil, err
	}
	spec, _ := json.Marshal(initConfig{Isolate: cfg.Isolate, User: cfg.User, Dir: cfg.Dir, Limits: cfg.Limits})
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	theirs := os.NewFile(uintptr(pair[1]), "grade-init-control")
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"sockspec-grade-init"}
	cmd.Env = []string{initEnv + "=" + string(spec)}
	cmd.ExtraFiles = []*os.File{theirs} // fd 3 in the init
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = sysProcAttr(cfg.Isolate)
	err = cmd.Start()
	theirs.Close() // the init has its own copy: once it exits, ctl reads the end
	if err != nil {
		unix.Close(pair[0])
		if cfg.Isolate && errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("%w: %s (needs CAP_SYS_ADMIN, which containers often drop)", ErrNoNamespaces, errno.Describe(err))
		}
		return nil, fmt.Errorf("starting the sandbox's init: %w", err)
	}
	b := &Box{cfg: cfg, init: cmd, ctl: pair[0], listened: make(chan struct{}), netns: -1, pidnsFD: -1,
		ready: make(chan message, 1), procs: map[int]*Proc{}, dead: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(b.dead)
	}()
	go b.listen()
	select {
	case m := <-b.ready:
		if m.Kind != "ready" {
			b.Close()
			return nil, fmt.Errorf("the sandbox's init failed: %s", m.Error)
		}
	case <-b.listened:
		b.Close()
		return nil, errors.New("the sandbox's init exited before it was ready")
	case <-time.After(readyWithin):
		b.Close()
		return nil, fmt.Errorf("the sandbox's init did not get ready within %s", readyWithin)
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

// readyWithin bounds the wait for the init's first message, and for its answer to a start
// request. Under heavy load the init is ready within a few hundred milliseconds; only an
// init that is stuck takes longer.
const readyWithin = 10 * time.Second

// procIsOurs checks that /proc shows this program's own PID namespace: a grader started
// in a PID namespace of its own with the host's /proc (unshare --pid without --mount-proc)
// would find every PID it looks up there belonging to some other process, and watch, or
// signal, the wrong ones.
func procIsOurs() error {
	self, err := os.Readlink("/proc/self")
	if err != nil {
		return fmt.Errorf("reading /proc/self (the grader needs /proc): %w", err)
	}
	if self != strconv.Itoa(os.Getpid()) {
		return fmt.Errorf("/proc belongs to another PID namespace (/proc/self is %s, this process is %d there): mount a /proc for this namespace (unshare --pid --fork --mount-proc)", self, os.Getpid())
	}
	return nil
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

// listen reads the init's messages until its end closes or the box is shut down. It is
// the only reader of ctl, and never waits on anything but recvmsg: every message is
// delivered to a buffered channel or to the box's state.
func (b *Box) listen() {
	defer close(b.listened)
	buf := make([]byte, 64<<10)
	for {
		if testHookRecv != nil {
			testHookRecv(b)
		}
		n, _, _, _, err := unix.Recvmsg(b.ctl, buf, nil, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			b.endAll()
			return
		}
		var m message
		if json.Unmarshal(buf[:n], &m) == nil {
			b.deliver(m)
		}
	}
}

// testHookRecv, when set by a test, runs before each recvmsg of every box's listen.
var testHookRecv func(*Box)

// deliver hands one message of the init to whoever waits for it.
func (b *Box) deliver(m message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.greeted {
		b.greeted = true
		b.ready <- m // buffered, and the only send on it
		return
	}
	if m.Kind == "exit" {
		if p := b.procs[m.PID]; p != nil {
			delete(b.procs, m.PID)
			ws := unix.WaitStatus(m.Status)
			p.exit = Exit{Code: ws.ExitStatus(), Shell: p.Shell}
			if ws.Signaled() {
				p.exit = Exit{Signal: ws.Signal(), Shell: p.Shell}
			}
			close(p.done)
		}
		return
	}
	// started, cannot-run or error: the answer to the start request m.Seq. One that comes
	// after its Run gave up waiting is dropped (the process it started dies with the box).
	r := b.pending
	if r == nil || r.seq != m.Seq {
		return
	}
	b.pending = nil
	if m.Kind == "started" {
		// Registered here, before the next message is read: that may be its exit.
		r.proc.PID = m.PID
		b.procs[m.PID] = r.proc
		b.all = append(b.all, r.proc)
	}
	r.reply <- m // buffered, and the only send on it
}

// endAll ends every command still running when the init's end closed.
func (b *Box) endAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.procs {
		p.exit = Exit{Code: -1, Shell: p.Shell}
		close(p.done)
	}
	b.procs = map[int]*Proc{}
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
	reply := make(chan message, 1)
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		outR.Close()
		outW.Close()
		if !combined {
			errR.Close()
			errW.Close()
		}
		return nil, errors.New("the sandbox is closed")
	}
	b.seq++
	seq := b.seq
	b.pending = &startRequest{seq: seq, proc: p, reply: reply}
	b.mu.Unlock()
	req, _ := json.Marshal(request{Seq: seq, Argv: argv, Env: env})
	err = b.send(req, unix.UnixRights(int(outW.Fd()), int(errW.Fd())))
	outW.Close()
	errW.Close()
	if err != nil {
		b.mu.Lock()
		b.pending = nil
		b.mu.Unlock()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("asking the sandbox's init to run %q: %w", argv, err)
	}
	var m message
	select {
	case m = <-reply:
	case <-b.listened:
		m = message{Kind: "error", Error: "the sandbox's init died"}
	case <-time.After(readyWithin):
		m = message{Kind: "error", Error: fmt.Sprintf("the sandbox's init did not answer within %s", readyWithin)}
	}
	if m.Kind != "started" {
		b.mu.Lock()
		if b.pending != nil && b.pending.seq == seq {
			b.pending = nil
		}
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

// send writes one request to the init. It never waits: an init whose queue of requests
// is full is stuck, and that is an error.
func (b *Box) send(req, oob []byte) error {
	b.ctlMu.RLock()
	defer b.ctlMu.RUnlock()
	if b.ctl < 0 {
		return errors.New("the sandbox is closed")
	}
	return os.NewSyscallError("sendmsg", unix.Sendmsg(b.ctl, req, oob, nil, unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT))
}

// Processes lists the host PIDs of every process in the box but its init.
// Once the init has been reaped its PID may belong to any new process: then none.
func (b *Box) Processes() []int {
	select {
	case <-b.dead:
		return nil
	default:
		return Descendants(b.InitPID())
	}
}

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
	b.nsMu.RLock()
	defer b.nsMu.RUnlock()
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return errors.New("the sandbox is closed")
	}
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
	// Shut the control socket down, and close it only once listen has returned: listen may
	// be about to call recvmsg on it, and once closed its number may be another box's
	// control socket (its messages would be read here) or any other descriptor. The init
	// reads the end of its requests, kills everything left and exits.
	b.ctlMu.RLock()
	unix.Shutdown(b.ctl, unix.SHUT_RDWR)
	b.ctlMu.RUnlock()
	select {
	case <-b.dead:
	case <-time.After(5 * time.Second):
		b.init.Process.Kill() // as PID 1 of its namespace, the kernel kills the rest with it
		<-b.dead
	}
	var problems []string
	select {
	case <-b.listened: // after shutdown recvmsg returns at once, and the init's end is closed too
		b.ctlMu.Lock()
		unix.Close(b.ctl)
		b.ctl = -1
		b.ctlMu.Unlock()
	case <-time.After(5 * time.Second):
		problems = append(problems, "its control socket was still being read 5s after it was shut down (left open)")
	}
	for _, p := range all {
		p.closeOutput()
	}
	b.nsMu.Lock()
	if b.netns >= 0 {
		unix.Close(b.netns)
		b.netns = -1
	}
	b.nsMu.Unlock()
	left := b.leftovers()
	for _, p := range survivors {
		left = append(left, strconv.Itoa(p))
	}
	if b.pidnsFD >= 0 {
		unix.Close(b.pidnsFD)
	}
	if len(left) > 0 {
		problems = append(problems, "it left processes running: "+strings.Join(left, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the sandbox: %s", strings.Join(problems, "; "))
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
