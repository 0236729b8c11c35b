package tcpecho

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
)

var noLeak = grade.CheckDef{
	ID:    "no-leak",
	Title: "every connection is closed, no zombies",
	Expect: "20 clients one after another connect, echo, shutdown(SHUT_WR); each reads EOF within `within` (your server " +
		"closed the connection). Afterwards your server holds no connected socket, as many descriptors as when it " +
		"started listening, and no zombie children.",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "clients", Kind: rubric.Int, Default: "20", Doc: "how many clients come and go"}},
	Run: func(c *grade.Ctx) error {
		inst, start, err := c.Ready()
		if err != nil {
			return err
		}
		baseline := start.FDCount()
		n, limit := c.Int("clients"), c.Duration("within")
		type pending struct {
			conn     *client.Conn
			deadline time.Time
		}
		var late []pending // clients still waiting for EOF once one already missed it
		noEOF := 0
		for i := range n {
			who := fmt.Sprintf("client %d of %d", i+1, n)
			conn, err := c.Connect(inst, who)
			if err != nil {
				return err
			}
			msg := []byte(fmt.Sprintf("%s, leaving soon\n", who))
			got, err := conn.Echo(msg, limit)
			if err := echoFailure(c, inst, who, msg, got, err); err != nil {
				return err
			}
			if err := conn.ShutdownWrite(); err != nil {
				return err
			}
			// Wait for each EOF in turn until one is missed; after that, only note the
			// deadlines and look at the end, so a leaking server costs one wait, not twenty.
			if noEOF == 0 {
				if _, err := conn.WaitEOF(limit); err != nil {
					noEOF++
				}
				conn.Close()
				continue
			}
			late = append(late, pending{conn, time.Now().Add(limit)})
		}
		for _, p := range late {
			if _, err := p.conn.WaitEOF(time.Until(p.deadline)); err != nil {
				noEOF++
			}
			p.conn.Close()
		}
		clean := func(s observe.Snapshot) bool {
			return len(s.Connected(c.Port)) == 0 && s.FDCount() <= baseline && len(s.Zombies()) == 0
		}
		snap, ok := c.Await(limit, clean)
		if noEOF == 0 && ok {
			c.Note("%d clients came and went, each read EOF; afterwards no connected socket, %d descriptors as when it started listening, no zombies", n, snap.FDCount())
			return nil
		}
		if dead := c.Died(inst, "while the clients came and went"); dead != nil {
			return dead
		}
		c.ShowView(snap)
		var saw, hints []string
		if noEOF > 0 {
			saw = append(saw, fmt.Sprintf("%d of the %d clients read no EOF within %s after they shut down their side, so your server did not close those connections", noEOF, n, limit))
		}
		if conns := snap.Connected(c.Port); len(conns) > 0 {
			saw = append(saw, fmt.Sprintf("after the %d clients left, your server still held %s (%s)", n, byState(conns), observe.Where(conns)))
			hints = append(hints, "close the accepted socket when its client is done (read() returned 0); in a server that forks, the parent must also close its copy right after fork()")
		} else if noEOF > 0 {
			hints = append(hints, "close the accepted socket when its client is done (read() returned 0)")
		}
		if fds := snap.FDCount(); fds > baseline {
			saw = append(saw, fmt.Sprintf("its processes held %d descriptors, %d more than the %d they held when it started listening", fds, fds-baseline, baseline))
		}
		if z := snap.Zombies(); len(z) > 0 {
			saw = append(saw, fmt.Sprintf("it left %d zombie children (%s)", len(z), pids(z)))
			hints = append(hints, "reap every child that exits: waitpid(-1, NULL, WNOHANG) in a loop in a SIGCHLD handler, or signal(SIGCHLD, SIG_IGN)")
		}
		f := grade.Failf("%s.", strings.Join(saw, "; "))
		if len(hints) > 0 {
			f.WithHint("%s.", capitalize(strings.Join(hints, "; ")))
		}
		return f
	},
}

// byState counts sockets by TCP state: "20 connected sockets in CLOSE_WAIT".
func byState(socks []observe.Socket) string {
	counts := map[string]int{}
	for _, k := range socks {
		counts[k.TCP.State.String()]++
	}
	var states []string
	for st := range counts {
		states = append(states, st)
	}
	sort.Strings(states)
	parts := make([]string, len(states))
	for i, st := range states {
		word := "sockets"
		if counts[st] == 1 {
			word = "socket"
		}
		parts[i] = fmt.Sprintf("%d connected %s in %s", counts[st], word, st)
	}
	return strings.Join(parts, " and ")
}

func pids(ps []*observe.Proc) string {
	nums := make([]int, len(ps))
	for i, p := range ps {
		nums[i] = p.NSPID
	}
	slices.Sort(nums)
	return "pids " + observe.Runs(nums)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
