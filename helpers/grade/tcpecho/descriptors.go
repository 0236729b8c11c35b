package tcpecho

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
)

var descriptors = grade.CheckDef{
	ID:    "descriptors",
	Title: "1 listening socket + 1 socket per client, all on PORT",
	Expect: "With 3 clients connected and each echoed once, your server's processes hold exactly 1 listening socket " +
		"on PORT and exactly 3 connected sockets whose local port is PORT and whose peers are the 3 clients " +
		"(distinct sockets, counted by inode across all its processes).",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "clients", Kind: rubric.Int, Default: "3", Doc: "how many clients connect at once"}},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		n := c.Int("clients")
		var peers []netip.AddrPort
		for i := range n {
			who := fmt.Sprintf("client %d of %d", i+1, n)
			conn, err := c.Connect(inst, who)
			if err != nil {
				return err
			}
			msg := []byte(fmt.Sprintf("I am %s\n", who))
			got, err := conn.Echo(msg, c.Duration("within"))
			if err := echoFailure(c, inst, who+" (the others still connected)", msg, got, err); err != nil {
				return err
			}
			peers = append(peers, conn.Local)
		}
		// Children of a forking server and threads settle in a moment; wait for that, bounded.
		snap, ok := c.Await(c.Duration("within"), func(s observe.Snapshot) bool { return oneListenerAndPeers(s, c.Port, peers) })
		l, conns := snap.Listening(c.Port), snap.Connected(c.Port)
		if ok {
			c.Note("%d listening socket on port %d (%s) and %d connected sockets with local port %d and peers %s (%s)",
				len(l), c.Port, observe.Where(l), len(conns), c.Port, addrs(peers), observe.Where(conns))
			return nil
		}
		c.ShowView(snap)
		var problems []string
		if len(l) != 1 {
			problems = append(problems, fmt.Sprintf("%d listening sockets on port %d, not 1 (%s)", len(l), c.Port, observe.Where(l)))
		}
		if len(conns) != n || !samePeers(conns, peers) {
			problems = append(problems, fmt.Sprintf("%d connected sockets with local port %d, not %d: %s", len(conns), c.Port, n, observe.Describe(conns)))
		}
		f := grade.Failf("with %d clients connected (%s), your server's processes held %s.", n, addrs(peers), strings.Join(problems, "; and "))
		if q := snap.Queued(c.Port); len(q) > 0 {
			f.Saw += fmt.Sprintf(" %d of the clients' connections were still waiting in the listen queue, never accept()ed.", len(q))
		}
		return f
	},
}

func oneListenerAndPeers(s observe.Snapshot, port uint16, peers []netip.AddrPort) bool {
	conns := s.Connected(port)
	return len(s.Listening(port)) == 1 && len(conns) == len(peers) && samePeers(conns, peers)
}

func samePeers(conns []observe.Socket, peers []netip.AddrPort) bool {
	for _, k := range conns {
		if k.TCP.State != fdtable.Established || !slices.Contains(peers, k.TCP.Peer) {
			return false
		}
	}
	return len(conns) == len(peers)
}

func addrs(aps []netip.AddrPort) string {
	parts := make([]string, len(aps))
	for i, a := range aps {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}
