package wsecho

import (
	"fmt"
	"time"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var concurrent = grade.CheckDef{
	ID:    "concurrent",
	Title: "many WebSocket clients at once",
	Expect: "10 clients connect and send their upgrade requests, all before any answer is read; each gets 101; then each sends " +
		"a text message of its own, and each gets its own echo, all within `within` while all 10 sessions are open.",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "clients", Kind: rubric.Int, Default: "10", Doc: "how many WebSocket clients are open at once"}},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		n := c.Int("clients")
		all := make([]*session, n)
		for i := range all {
			if all[i], err = dial(c, inst, fmt.Sprintf("client %d of %d", i+1, n)); err != nil {
				return err
			}
		}
		// Every wait of a step ends together: a server that serves one client at a time costs
		// one `within`, not ten.
		step := func(what string, do func(i int, s *session) error) error {
			deadline := time.Now().Add(c.Duration("within"))
			var failed []int
			var first error
			for i, s := range all {
				s.deadline = deadline
				if err := do(i, s); err != nil {
					if _, ok := grade.AsFailure(err); !ok {
						return err
					}
					failed = append(failed, i+1)
					if first == nil {
						first = err
					}
				}
			}
			if first == nil {
				return nil
			}
			f, _ := grade.AsFailure(first)
			out := grade.Failf("with %d WebSocket clients open at once, %d of them (%s) got no %s. The first: %s", n, len(failed), observe.Runs(failed), what, f.Saw)
			out.Hint = f.Hint
			if snap, err := c.Snapshot(); err == nil {
				if q := snap.Queued(c.Port); len(q) > 0 {
					c.ShowView(snap)
					out.Saw += fmt.Sprintf(" %d connections waited in the listen queue, never accept()ed.", len(q))
					out.WithHint("Your server serves one client at a time. Serve each connection in its own thread (or watch them all with poll()/select()), so one open WebSocket session cannot block the others.")
				}
			}
			return out
		}
		err = step("101 Switching Protocols", func(_ int, s *session) error {
			s.key = wsproto.NewKey()
			return s.send("its upgrade request", wsproto.Upgrade(s.host(), Path, s.key).Bytes())
		})
		if err == nil {
			err = step("101 Switching Protocols", func(_ int, s *session) error {
				r, err := s.response("the answer to its upgrade request")
				if err == nil && r.Status != 101 {
					err = s.notSwitched(r)
				}
				return err
			})
		}
		msgs := make([][]byte, n)
		if err == nil {
			err = step("echo", func(i int, s *session) error {
				msgs[i] = fmt.Appendf(nil, "client %d of %d: 안녕, echo me", i+1, n)
				return s.send("its text message", wsproto.Text(string(msgs[i]), true).Bytes())
			})
		}
		if err == nil {
			err = step("echo", func(i int, s *session) error { return s.expectEcho("its text message", wsproto.OpText, msgs[i]) })
		}
		if err != nil {
			return err
		}
		held := ""
		if snap, err := c.Snapshot(); err == nil {
			conns := snap.Connected(c.Port)
			held = fmt.Sprintf("; your server held %s on port %d then (%s)", grade.Count(len(conns), "connected socket"), c.Port, observe.Where(conns))
		}
		c.Note("%d clients upgraded at once and each got its own echo%s", n, held)
		return nil
	},
}
