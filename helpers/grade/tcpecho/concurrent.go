package tcpecho

import (
	"errors"
	"fmt"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/rubric"
)

var concurrent = grade.CheckDef{
	ID:    "concurrent",
	Title: "a silent client does not block another",
	Expect: "Client A connects and stays silent; client B connects and gets its echo within `within` while A is " +
		"still connected; then A's echo works too.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		a, err := c.Connect(inst, "client A")
		if err != nil {
			return err
		}
		b, err := c.Connect(inst, "client B")
		if err != nil {
			return err
		}
		msgB := []byte("B here, A is silent\n")
		got, err := b.Echo(msgB, c.Duration("within"))
		if f := echoFailure(c, inst, "client B (while client A was connected and silent)", msgB, got, err); f != nil {
			if ff, ok := grade.AsFailure(f); ok && errors.Is(err, client.ErrTimeout) {
				snap, _ := c.Snapshot()
				c.ShowView(snap)
				if q := snap.Queued(c.Port); len(q) > 0 {
					ff.Saw += fmt.Sprintf(" The kernel had completed %d connection(s) to port %d that your server never accept()ed; they waited in the listen queue.", len(q), c.Port)
				}
				ff.WithHint("Your server serves one client at a time. Serve each client in its own process (fork) or thread, or watch all sockets with poll()/select(), so one silent client cannot block the others.")
			}
			return f
		}
		msgA := []byte("A speaks at last\n")
		got, err = a.Echo(msgA, c.Duration("within"))
		if f := echoFailure(c, inst, "client A (after B was served)", msgA, got, err); f != nil {
			return f
		}
		c.Note("client B got its echo while client A was connected and silent; then A got its echo too")
		return nil
	},
}
