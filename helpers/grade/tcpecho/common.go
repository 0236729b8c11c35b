package tcpecho

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/observe"
)

// ready starts a fresh instance of the target and waits until it listens on its port.
func ready(c *grade.Ctx) (*grade.Instance, observe.Snapshot, error) {
	inst, err := c.Start()
	if err != nil {
		return nil, observe.Snapshot{}, err
	}
	snap, err := c.AwaitListening(inst, c.Duration("ready_within"))
	return inst, snap, err
}

// connected starts a fresh target, waits until it listens and connects one client to it.
func connected(c *grade.Ctx, who string) (*grade.Instance, *client.Conn, error) {
	inst, _, err := ready(c)
	if err != nil {
		return nil, nil, err
	}
	conn, err := dial(c, inst, who)
	return inst, conn, err
}

// dial connects a client named who; a refused connection is the target's failure, and
// says so with how the target ended if it did.
func dial(c *grade.Ctx, inst *grade.Instance, who string) (*client.Conn, error) {
	conn, err := c.Dial(c.Duration("within"))
	if err == nil {
		return conn, nil
	}
	if dead := died(c, inst, "before "+who+" could connect"); dead != nil {
		return nil, dead
	}
	var refused *client.ConnectError
	if errors.As(err, &refused) {
		return nil, grade.Failf("%s could not connect: %s.", who, refused)
	}
	return nil, err
}

// died is the failure of a target whose processes all ended, or nil if it still runs.
func died(c *grade.Ctx, inst *grade.Instance, when string) *grade.Failure {
	if inst.Exited() && c.Gone() {
		return c.Ended(inst, when)
	}
	return nil
}

// echoFailure says how an echo went wrong: too few bytes, other bytes, or an error.
func echoFailure(c *grade.Ctx, inst *grade.Instance, who string, sent, got []byte, err error) error {
	if err == nil && bytes.Equal(sent, got) {
		return nil
	}
	if dead := died(c, inst, "while "+who+" was waiting for its echo"); dead != nil {
		return dead
	}
	if i := firstDifference(sent, got); i < len(got) {
		return grade.Failf("%s sent %d bytes; the bytes that came back differ from them at byte %d: sent %s, got %s.",
			who, len(sent), i, excerpt(sent, i), excerpt(got, i))
	}
	switch {
	case errors.Is(err, client.ErrTimeout):
		return grade.Failf("%s sent %d bytes and got %d of them back within %s.", who, len(sent), len(got), c.Duration("within"))
	case errors.Is(err, io.EOF):
		return grade.Failf("%s sent %d bytes; your server closed the connection after sending back %d of them.", who, len(sent), len(got))
	default:
		var errno unix.Errno
		if errors.As(err, &errno) {
			return grade.Failf("%s sent %d bytes and got %d back, then %s.", who, len(sent), len(got), client.Describe(err))
		}
		return err
	}
}

func firstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// excerpt shows a few bytes around i, quoted.
func excerpt(b []byte, i int) string {
	from, to := max(0, i-8), min(len(b), i+8)
	return fmt.Sprintf("%q (bytes %d–%d)", b[from:to], from, to-1)
}

// echoed is the evidence of a good echo.
func echoed(who string, msg []byte) string {
	return fmt.Sprintf("%s sent %d bytes and got exactly those back", who, len(msg))
}
