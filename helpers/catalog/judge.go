package catalog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
)

// The specs' per-OS decisions: each compares what the kernel did with the running OS's
// expectation, and says what differs. They are plain functions of the catalog's value and
// the kernel's answer, so their unit tests feed them every OS's value (judge_test.go):
// the macOS and FreeBSD branches run on Linux too.

// Judge compares a call's error with o: nil for ok, else the errno o names.
func (o Outcome) Judge(err error) error {
	if o.OK() {
		if err == nil {
			return nil
		}
		return fmt.Errorf("expected the call to succeed, but it failed with %s", errno.Describe(err))
	}
	return Errno(o).Judge(err)
}

// Judge compares a call's error with the errno e: the call must fail with exactly e.
func (e Errno) Judge(err error) error {
	if isErrno(err, e.Value()) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("expected the call to fail with %s, but it succeeded", errno.Describe(e.Value()))
	}
	return fmt.Errorf("expected the call to fail with %s, but it failed with %s", errno.Describe(e.Value()), errno.Describe(err))
}

// Judge compares the end of a non-blocking connect (AwaitConnect's done and err after
// the spec's watch) with c.
func (c ConnectOutcome) Judge(done bool, err error) error {
	got := connectResult(done, err)
	switch {
	case c == ConnectStaysInProgress && !done && err == nil,
		c == ConnectOK && done && err == nil:
		return nil
	case c != ConnectOK && c != ConnectStaysInProgress && done && isErrno(err, Errno(c).Value()):
		return nil
	}
	return fmt.Errorf("expected the connect to %s, but %s", c.want(), got)
}

func (c ConnectOutcome) want() string {
	switch c {
	case ConnectOK:
		return "complete"
	case ConnectStaysInProgress:
		return "stay in progress (no answer from the kernel)"
	}
	return "fail with " + errno.Describe(Errno(c).Value())
}

func connectResult(done bool, err error) string {
	switch {
	case !done && err != nil:
		return "watching it failed with " + errno.Describe(err)
	case !done:
		return "it was still in progress"
	case err != nil:
		return "it failed with " + errno.Describe(err)
	}
	return "it completed"
}

// Judge compares getsockopt's answer (the value, or the error) with a.
func (a SockoptAnswer) Judge(v int, err error) error {
	if want, isValue := a.value(); isValue {
		if err == nil && v == want {
			return nil
		}
		return fmt.Errorf("expected getsockopt to answer %d, but %s", want, answer(v, err))
	}
	want := Errno(a).Value()
	if isErrno(err, want) {
		return nil
	}
	return fmt.Errorf("expected getsockopt to fail with %s, but %s", errno.Describe(want), answer(v, err))
}

func (a SockoptAnswer) value() (int, bool) {
	v, err := strconv.Atoi(string(a))
	return v, err == nil
}

func answer(v int, err error) string {
	if err != nil {
		return "it failed with " + errno.Describe(err)
	}
	return fmt.Sprintf("it answered %d", v)
}

// Client is one client of a listen.backlog spec, connected one after the other to a
// listener nobody accepts on, as the kernel showed it.
type Client struct {
	Done       bool  // the connect finished within the watch
	ConnectErr error // ... with this error (SO_ERROR), if it failed
	// For a client whose connect completed: what a read said once the socket became
	// readable (the server never writes, so anything readable is the connection's end),
	// nil if it never did.
	Afterwards error
}

// EOF is Client.Afterwards for a read that returned end of file.
var EOF = errors.New("end of file")

func (c Client) queued() bool     { return c.Done && c.ConnectErr == nil && c.Afterwards == nil }
func (c Client) inProgress() bool { return !c.Done && c.ConnectErr == nil }

// reset: the connection ended with a RST, seen by the connect itself or by a read after it.
func (c Client) reset() bool {
	return isErrno(c.ConnectErr, unix.ECONNRESET) || (c.Done && c.ConnectErr == nil && isErrno(c.Afterwards, unix.ECONNRESET))
}

func (c Client) String() string {
	switch {
	case c.queued():
		return "completed and waits in the queue"
	case c.inProgress():
		return "still in progress"
	case c.ConnectErr != nil:
		return "its connect failed with " + errno.Describe(c.ConnectErr)
	case c.Afterwards == EOF:
		return "completed, then the server closed it (end of file)"
	}
	return "completed, then a read failed with " + errno.Describe(c.Afterwards)
}

// Judge compares the clients of a backlog run with backlog b (the kernel's limit being
// somaxconn) against the expectation: the first Completed(b) complete and wait, the next
// one does what BeyondLimit says; a run tries exactly one client more than the queue holds,
// and stops early at a client that stays in progress.
func (b Backlog) Judge(backlog, somaxconn int, clients []Client) error {
	want := b.Completed(backlog, somaxconn)
	rule := fmt.Sprintf("with backlog %d, %d complete before accept() (%s)", backlog, want, b.Rule)
	for i := range want {
		if i >= len(clients) {
			return fmt.Errorf("only %d clients were tried; %s", len(clients), rule)
		}
		if !clients[i].queued() {
			return fmt.Errorf("client %d of %d: %s; %s", i+1, want+1, clients[i], rule)
		}
	}
	if len(clients) != want+1 {
		return fmt.Errorf("%d clients were tried; a run tries %d, one beyond the queue", len(clients), want+1)
	}
	beyond := clients[want]
	switch b.BeyondLimit {
	case StaysInProgress:
		if beyond.inProgress() {
			return nil
		}
		return fmt.Errorf("client %d, beyond the queue: %s; expected it to stay in progress (its SYN dropped); %s", want+1, beyond, rule)
	case CompletesThenReset:
		if beyond.reset() {
			return nil
		}
		return fmt.Errorf("client %d, beyond the queue: %s; expected it to complete and then be reset (ECONNRESET); %s", want+1, beyond, rule)
	}
	return fmt.Errorf("beyond_limit %q has no rule", b.BeyondLimit)
}

// Summary says in a few words what the clients did, for the evidence: "clients 1-5:
// completed and waits in the queue; client 6: still in progress".
func Summary(clients []Client) string {
	var parts []string
	for i := 0; i < len(clients); {
		j := i
		for j+1 < len(clients) && clients[j+1].String() == clients[i].String() {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("client %d: %s", i+1, clients[i]))
		} else {
			parts = append(parts, fmt.Sprintf("clients %d-%d: %s", i+1, j+1, clients[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, "; ")
}

func isErrno(err error, want unix.Errno) bool {
	got, ok := errno.Of(err)
	return ok && got == want
}

// The kernel's answers in the catalog's own terms, for the values the specs record to
// compare platforms (suite.Observed): the same words the expect blocks use.

// OutcomeOf says how a call ended: "ok", or the name of the errno it failed with (another
// error as it reads).
func OutcomeOf(err error) string {
	if err == nil {
		return string(OutcomeOK)
	}
	if e, ok := errno.Of(err); ok {
		return errno.Name(e)
	}
	return err.Error()
}

// ConnectOutcomeOf says how a non-blocking connect ended (AwaitConnect's done and err):
// ok, stays-in-progress, or the errno's name.
func ConnectOutcomeOf(done bool, err error) string {
	if !done && err == nil {
		return string(ConnectStaysInProgress)
	}
	return OutcomeOf(err)
}

// Queued is how many clients, from the first, completed and wait in the queue.
func Queued(clients []Client) int {
	n := 0
	for n < len(clients) && clients[n].queued() {
		n++
	}
	return n
}
