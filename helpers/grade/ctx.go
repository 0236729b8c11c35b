package grade

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/grade/sandbox"
	"sockspec/helpers/grade/wait"
)

// Ctx is what a check works with: its rubric settings, the port its target must use, the
// sandbox the target runs in, and the record of what the grader saw.
type Ctx struct {
	*rubric.Check
	Port uint16

	box    *sandbox.Box
	target string   // the target command, {port} not yet replaced
	env    []string // the target's environment, PORT not yet added

	mu        sync.Mutex
	instances []*Instance
	notes     []string
	setup     int // how many of the first notes only say the target got ready
	view      string
	conns     []*client.Conn
	fds       []int
	startErr  string // why the target command could not start, when it could not
}

// Instance is one start of the target.
type Instance struct {
	N       int // 1 for the first start in a check
	Command string
	proc    *sandbox.Proc
}

// Exited says whether the started process ended (a daemon it left may still run).
func (i *Instance) Exited() bool { return i.proc.Exited() }

// Done is closed when the started process ended.
func (i *Instance) Done() <-chan struct{} { return i.proc.Done() }

// Exit is how the started process ended; it waits for that.
func (i *Instance) Exit() sandbox.Exit { return i.proc.Exit() }

// Stderr is the kept tail of what it printed on stderr.
func (i *Instance) Stderr() *sandbox.Tail { return i.proc.Stderr }

// Stdout is the kept tail of what it printed on stdout.
func (i *Instance) Stdout() *sandbox.Tail { return i.proc.Stdout }

// Loopback is the address the grader's clients connect to.
func (c *Ctx) Loopback() netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), c.Port)
}

// Note records an observation for the feedback.
func (c *Ctx) Note(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

// ShowView attaches the target's descriptor tables as s shows them, where they explain
// a failure.
func (c *Ctx) ShowView(s observe.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.view = s.View(60)
}

// Start starts a fresh instance of the target on c.Port. A command that cannot start at
// all is the submission's failure; trouble with the sandbox is the grader's error.
func (c *Ctx) Start() (*Instance, error) {
	line := strings.ReplaceAll(c.target, "{port}", strconv.Itoa(int(c.Port)))
	argv, shell := sandbox.Command(line)
	env := append(c.env[:len(c.env):len(c.env)], "PORT="+strconv.Itoa(int(c.Port)))
	p, err := c.box.Run(argv, env, shell, false)
	var cannot *sandbox.CannotRunError
	if errors.As(err, &cannot) {
		c.mu.Lock()
		c.startErr = cannot.Msg
		c.mu.Unlock()
		return nil, Failf("the target command `%s` could not start: %s.", line, cannot.Msg).
			WithHint("Check that the build made it and that it is executable.")
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	inst := &Instance{N: len(c.instances) + 1, Command: line, proc: p}
	c.instances = append(c.instances, inst)
	return inst, nil
}

// Ready starts a fresh instance of the target and waits until it listens on its port.
func (c *Ctx) Ready() (*Instance, observe.Snapshot, error) {
	inst, err := c.Start()
	if err != nil {
		return nil, observe.Snapshot{}, err
	}
	snap, err := c.AwaitListening(inst, c.Duration("ready_within"))
	return inst, snap, err
}

// Connect connects a client named who within the check's `within`; a refused connection
// is the target's failure, and says so with how the target ended if it did.
func (c *Ctx) Connect(inst *Instance, who string) (*client.Conn, error) {
	conn, err := c.Dial(c.Duration("within"))
	if err == nil {
		return conn, nil
	}
	if dead := c.DiedAfterTrouble(inst, "before "+who+" could connect"); dead != nil {
		return nil, dead
	}
	var refused *client.ConnectError
	if errors.As(err, &refused) {
		return nil, Failf("%s could not connect: %s.", who, refused)
	}
	return nil, err
}

// Died is the failure of a target whose processes all ended, or nil if it still runs.
func (c *Ctx) Died(inst *Instance, when string) *Failure {
	if inst.Exited() && c.Gone() {
		return c.Ended(inst, when)
	}
	return nil
}

// exitGrace bounds how long a check that saw a connection fail waits for the target to be
// reported gone: a dying server's sockets close as its process exits, a moment before the
// kernel reports the exit, so a refused connect or a reset can come first.
const exitGrace = 500 * time.Millisecond

// DiedAfterTrouble is Died for a check that just saw a connection fail (refused, reset,
// ended early): it waits up to exitGrace for the target to be reported gone, so the
// feedback names the cause (a signal, an exit status) and not its symptom.
func (c *Ctx) DiedAfterTrouble(inst *Instance, when string) *Failure {
	var dead *Failure
	wait.Until(exitGrace, func() bool { dead = c.Died(inst, when); return dead != nil })
	return dead
}

// Snapshot looks at every process of the target and the TCP table of its network.
func (c *Ctx) Snapshot() (observe.Snapshot, error) {
	return observe.Take(c.box.Processes(), c.box.InitPID())
}

// Gone says whether no process of the target is left.
func (c *Ctx) Gone() bool { return c.box.Empty() }

// Await takes snapshots until cond holds or within passed, and returns the last one.
func (c *Ctx) Await(within time.Duration, cond func(observe.Snapshot) bool) (observe.Snapshot, bool) {
	var last observe.Snapshot
	ok := wait.Until(within, func() bool {
		s, err := c.Snapshot()
		if err != nil {
			return false
		}
		last = s
		return cond(s)
	})
	return last, ok
}

// Stop stops every process of the target as an operator would: SIGTERM, then SIGKILL
// after grace.
func (c *Ctx) Stop(grace time.Duration) (killed bool, err error) { return c.box.Stop(grace) }

// Dial connects a new client to the target's port on loopback, inside its network.
func (c *Ctx) Dial(within time.Duration) (*client.Conn, error) {
	fd, err := c.socket(c.Loopback())
	if err != nil {
		return nil, fmt.Errorf("the grader could not make a client socket: %w", err)
	}
	conn, err := client.Dial(fd, c.Loopback(), within)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.conns = append(c.conns, conn)
	c.mu.Unlock()
	return conn, nil
}

// Hold makes the grader's own listener on ap inside the target's network (with v6only
// for an IPv6 address), so the target finds the port taken.
func (c *Ctx) Hold(ap netip.AddrPort) error {
	fd, err := c.listener(ap)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.fds = append(c.fds, fd)
	c.mu.Unlock()
	return nil
}

// AwaitListening waits until the target's processes hold a socket in LISTEN on c.Port,
// reading the kernel's tables (never connecting: a probe would be one more client). It
// fails early when every process of the target ended.
func (c *Ctx) AwaitListening(inst *Instance, within time.Duration) (observe.Snapshot, error) {
	start := time.Now()
	var snap observe.Snapshot
	var listening, dead bool
	wait.Until(within, func() bool {
		if inst.Exited() && c.Gone() {
			dead = true
			return true
		}
		if !c.tableListens() {
			return false
		}
		s, err := c.Snapshot()
		if err == nil && len(s.Listening(c.Port)) > 0 {
			snap, listening = s, true
		}
		return listening
	})
	if listening {
		l := snap.Listening(c.Port)
		c.Note("instance %d listened on %s (%s) %s after it started", inst.N, l[0].TCP.Local, observe.Where(l), Dur(time.Since(start)))
		c.mu.Lock()
		if c.setup == len(c.notes)-1 {
			c.setup++
		}
		c.mu.Unlock()
		return snap, nil
	}
	if dead {
		return snap, c.Ended(inst, fmt.Sprintf("before it listened on port %d", c.Port))
	}
	s, err := c.Snapshot()
	if err != nil {
		return s, err
	}
	c.ShowView(s)
	return s, c.notListening(s, within)
}

// tableListens is the cheap first look: is anything in LISTEN on the port at all?
func (c *Ctx) tableListens() bool {
	rows, err := fdtable.TCPTable(c.box.InitPID())
	if err != nil {
		return false
	}
	for _, r := range rows {
		if r.State == fdtable.Listen && r.Local.Port() == c.Port {
			return true
		}
	}
	return false
}

func (c *Ctx) notListening(s observe.Snapshot, within time.Duration) *Failure {
	if others := s.Listeners(); len(others) > 0 {
		o := others[0].TCP.Local
		f := Failf("after %s nothing listened on port %d, but your server listens on %s (%s).", within, c.Port, o, observe.Where(others))
		if o.Port() == bits.ReverseBytes16(c.Port) {
			return f.WithHint("%d is %d with its two bytes swapped: convert the port with htons() before bind().", o.Port(), c.Port)
		}
		return f.WithHint("Listen on the port given as the first argument.")
	}
	if idle := s.NotTCP(); len(idle) > 0 {
		return Failf("after %s nothing listened on port %d; your server held %s neither listening nor connected (%s).", within, c.Port, Count(len(idle), "socket"), observe.Where(idle)).
			WithHint("socket() and bind() are not enough: call listen() before accept().")
	}
	if len(s.Live()) == 0 {
		return Failf("after %s nothing listened on port %d, and no process of your server was running.", within, c.Port)
	}
	return Failf("after %s nothing listened on port %d, and your server held no socket at all.", within, c.Port)
}

// Ended describes how the target ended, with the end of its stderr.
func (c *Ctx) Ended(inst *Instance, when string) *Failure {
	e := inst.Exit()
	c.SettleOutput(inst)
	f := Failf("your server %s %s.", e, when)
	if last := LastLines(inst.Stderr().String(), 3); last != "" {
		f.Saw += fmt.Sprintf(" Its stderr ends with: %q.", last)
	}
	if sig, ok := e.Signaled(); ok {
		switch sandbox.SignalName(sig) {
		case "SIGSEGV", "SIGBUS":
			f.WithHint("It touched memory it does not own (a NULL pointer, a missing argument in argv, a buffer overrun).")
		case "SIGPIPE":
			f.WithHint("Writing to a connection the client already closed raises SIGPIPE, which kills the process: ignore it (signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL, and handle EPIPE.")
		case "SIGABRT":
			f.WithHint("It called abort() (a failed assert, or a double free).")
		}
	}
	return f
}

// Dur prints a duration as a student reads it: 3ms, 0.4ms, 1.2s.
func Dur(d time.Duration) string {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// Count is "1 socket", "3 sockets".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// FirstDifference is the index of the first byte where a and b differ, or the length of
// the shorter one when it is a prefix of the other.
func FirstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// Excerpt shows a few bytes of b around i, quoted, with their positions.
func Excerpt(b []byte, i int) string {
	from, to := max(0, i-8), min(len(b), i+8)
	return fmt.Sprintf("%q (bytes %d–%d)", b[from:to], from, to-1)
}

// SettleOutput waits, once the started process ended, until what it printed has been
// read: until its stderr reaches EOF, at most 2 s when nothing of the target is left to
// hold the pipe open, at most 200 ms when something is (a daemon may keep it forever).
func (c *Ctx) SettleOutput(inst *Instance) {
	limit := 200 * time.Millisecond
	if c.Gone() {
		limit = 2 * time.Second
	}
	select {
	case <-inst.Stderr().EOF():
	case <-time.After(limit):
	}
}

// LastLines is the last n non-empty lines of s, joined with " / ".
func LastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "[… ") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}

// evidence is what a passed check saw: its own notes, without the first "it listened"
// unless that is all there is.
func (c *Ctx) evidence() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.setup < len(c.notes) {
		return strings.Join(c.notes[c.setup:], "; ")
	}
	return strings.Join(c.notes, "; ")
}

// notStarted is why the target command could not start, when no instance ever did.
func (c *Ctx) notStarted() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.instances) > 0 {
		return ""
	}
	return c.startErr
}

// release closes the grader's sockets of this check.
func (c *Ctx) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	for _, fd := range c.fds {
		closeFD(fd)
	}
	c.conns, c.fds = nil, nil
}

// outputs lists the non-empty output tails of every instance.
func (c *Ctx) outputs() []Output {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Output
	for _, inst := range c.instances {
		for _, s := range []struct {
			name string
			tail *sandbox.Tail
		}{{"stdout", inst.Stdout()}, {"stderr", inst.Stderr()}} {
			if s.tail.Total() > 0 {
				out = append(out, Output{Label: fmt.Sprintf("%s of instance %d (`%s`), %d bytes in all", s.name, inst.N, inst.Command, s.tail.Total()), Text: s.tail.String()})
			}
		}
	}
	return out
}
