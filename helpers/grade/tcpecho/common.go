package tcpecho

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
)

// connected starts a fresh target, waits until it listens and connects one client to it.
func connected(c *grade.Ctx, who string) (*grade.Instance, *client.Conn, error) {
	inst, _, err := c.Ready()
	if err != nil {
		return nil, nil, err
	}
	conn, err := c.Connect(inst, who)
	return inst, conn, err
}

// echoFailure says how an echo went wrong: too few bytes, other bytes, or an error.
func echoFailure(c *grade.Ctx, inst *grade.Instance, who string, sent, got []byte, err error) error {
	if err == nil && bytes.Equal(sent, got) {
		return nil
	}
	if dead := c.DiedAfterTrouble(inst, "while "+who+" was waiting for its echo"); dead != nil {
		return dead
	}
	if i := grade.FirstDifference(sent, got); i < len(got) {
		return grade.Failf("%s sent %d bytes; the bytes that came back differ from them at byte %d: sent %s, got %s.",
			who, len(sent), i, grade.Excerpt(sent, i), grade.Excerpt(got, i))
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

// echoed is the evidence of a good echo.
func echoed(who string, msg []byte) string {
	return fmt.Sprintf("%s sent %d bytes and got exactly those back", who, len(msg))
}
