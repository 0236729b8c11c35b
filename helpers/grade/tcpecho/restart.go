package tcpecho

import (
	"fmt"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
)

var restart = grade.CheckDef{
	ID:    "restart",
	Title: "it restarts at once on the same port",
	Expect: "With a client connected, your server is stopped (SIGTERM, SIGKILL after `grace`); the client reads " +
		"everything and closes, so the old connection waits in TIME_WAIT; a new instance on the same PORT listens " +
		"within ready_within (it needs SO_REUSEADDR).",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "grace", Kind: rubric.Duration, Default: "1s", Doc: "how long SIGTERM has before SIGKILL"}},
	Run: func(c *grade.Ctx) error {
		first, conn, err := connected(c, "the client")
		if err != nil {
			return err
		}
		msg := []byte("before the restart\n")
		got, err := conn.Echo(msg, c.Duration("within"))
		if err := echoFailure(c, first, "the client", msg, got, err); err != nil {
			return err
		}
		killed, err := c.Stop(c.Duration("grace"))
		if err != nil {
			return err
		}
		if killed {
			c.Note("instance 1 was still running %s after SIGTERM and was killed with SIGKILL", c.Duration("grace"))
		} else {
			c.Note("instance 1 stopped on SIGTERM")
		}
		// Every echoed byte was read, so the close is an orderly FIN on both sides and the
		// server's end of the connection waits in TIME_WAIT (a reset would leave none).
		conn.WaitEOF(c.Duration("within"))
		conn.Close()
		snap, timeWait := c.Await(c.Duration("within"), func(s observe.Snapshot) bool { return len(s.Rows(c.Port, fdtable.TimeWait)) > 0 })
		if timeWait {
			old := snap.Rows(c.Port, fdtable.TimeWait)[0]
			c.Note("the old connection %s ↔ %s was in TIME_WAIT", old.Local, old.Peer)
		} else {
			c.Note("the old connection did not end in TIME_WAIT on the server's side")
		}
		second, err := c.Start()
		if err != nil {
			return err
		}
		if _, err := c.AwaitListening(second, c.Duration("ready_within")); err != nil {
			f, ok := grade.AsFailure(err)
			if !ok {
				return err
			}
			f.Saw = fmt.Sprintf("restarted on port %d right after instance 1 was stopped, the new instance did not listen: %s", c.Port, f.Saw)
			if timeWait {
				f.WithHint("The old connection still waits in TIME_WAIT on port %d, so bind() fails with EADDRINUSE unless the listening socket sets SO_REUSEADDR before bind(): int one = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one).", c.Port)
			}
			return f
		}
		return nil
	},
}
