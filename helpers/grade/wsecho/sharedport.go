package wsecho

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var sharedPort = grade.CheckDef{
	ID:    "shared-port",
	Title: "HTTP and WebSocket share one port",
	Expect: "Client 1 (for `GET /`) and client 2 (for the upgrade) connect; before either sends a byte, your server's processes " +
		"hold exactly 1 listening socket on PORT and 2 connected sockets whose local port is PORT and whose peers are the " +
		"2 clients. Then both requests are answered, 200 and 101, at once (your server may close client 1's connection after " +
		"the page).",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		web, err := dial(c, inst, "client 1 (for GET /)")
		if err != nil {
			return err
		}
		ws, err := dial(c, inst, "client 2 (for the upgrade)")
		if err != nil {
			return err
		}
		// The count, while both connections are open and idle: a server may close the page's
		// connection once it has answered, as HTTP/1.1 allows.
		peers := []netip.AddrPort{web.conn.Local, ws.conn.Local}
		snap, ok := c.Await(c.Duration("within"), func(s observe.Snapshot) bool {
			return len(s.Listening(c.Port)) == 1 && accepted(s.Connected(c.Port), peers)
		})
		l, conns := snap.Listening(c.Port), snap.Connected(c.Port)
		if !ok {
			c.ShowView(snap)
			f := grade.Failf("with both clients connected (%s) and idle, your server's processes held %d listening %s on port %d and %s with local port %d: %s.",
				addrs(peers), len(l), plural(len(l), "socket"), c.Port, grade.Count(len(conns), "connected socket"), c.Port, observe.Describe(conns))
			if q := snap.Queued(c.Port); len(q) > 0 {
				f.Saw += fmt.Sprintf(" %d of the connections waited in the listen queue, never accept()ed.", len(q))
				f.WithHint("Accept every connection as it comes and serve them at the same time (a thread per connection, or poll()/select()), so a page and a WebSocket can be open at once.")
			}
			return f
		}
		c.Note("with both clients connected and before either sent a byte: %d listening socket on port %d (%s) and 2 connected sockets with local port %d, peers %s (%s)",
			len(l), c.Port, observe.Where(l), c.Port, addrs(peers), observe.Where(conns))
		// Both requests, then both answers.
		if err := web.send("GET /", wsproto.Get(web.host(), "/").Bytes()); err != nil {
			return err
		}
		ws.key = wsproto.NewKey()
		if err := ws.send("its upgrade request", wsproto.Upgrade(ws.host(), Path, ws.key).Bytes()); err != nil {
			return err
		}
		page, err := web.response("the answer to GET / (client 2 connected too)")
		if err != nil {
			return err
		}
		if page.Status != 200 {
			return grade.Failf("client 1's GET / got %q, not 200 OK, while client 2 was connected to the same port.", statusLine(page))
		}
		up, err := ws.response("the answer to its upgrade request (client 1 connected too)")
		if err != nil {
			return err
		}
		if up.Status != 101 {
			return ws.notSwitched(up)
		}
		c.Note("then GET / → %q for client 1 and the upgrade → %q for client 2, both through port %d", statusLine(page), statusLine(up), c.Port)
		return nil
	},
}

// accepted says whether conns are exactly the server's ends of connections from peers,
// established.
func accepted(conns []observe.Socket, peers []netip.AddrPort) bool {
	if len(conns) != len(peers) {
		return false
	}
	for _, k := range conns {
		if k.TCP.State != fdtable.Established || !slices.Contains(peers, k.TCP.Peer) {
			return false
		}
	}
	return true
}

func addrs(aps []netip.AddrPort) string {
	parts := make([]string, len(aps))
	for i, a := range aps {
		parts[i] = a.String()
	}
	return strings.Join(parts, " and ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
