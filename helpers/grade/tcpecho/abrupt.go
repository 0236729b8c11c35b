package tcpecho

import (
	"net/netip"
	"slices"
	"time"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/observe"
	"sockspec/helpers/grade/rubric"
)

var abruptClose = grade.CheckDef{
	ID:    "abrupt-close",
	Title: "clients that vanish do not take the server down",
	Expect: "Client 1 sends 256 KiB without reading and closes with RST (SO_LINGER 0); client 2 sends 64 KiB, " +
		"shuts down its side and resets at once. Your server keeps running and echoes for client 3 (SIGPIPE, EPIPE " +
		"and ECONNRESET handled).",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "size", Kind: rubric.Bytes, Default: "256KiB", Doc: "what client 1 sends before it resets"}},
	Run: func(c *grade.Ctx) error {
		inst, _, err := ready(c)
		if err != nil {
			return err
		}
		limit := c.Duration("within")
		// Client 1: writes as much as the server takes within the limit, never reads, resets.
		c1, err := dial(c, inst, "client 1")
		if err != nil {
			return err
		}
		c1.SetDeadline(time.Now().Add(limit))
		sent1, _ := c1.Write(make([]byte, c.Bytes("size")))
		c1.CloseReset()
		// Client 2: sends, says it is done (FIN) and is gone (RST), all at once. The
		// server's socket is then in CLOSE_WAIT with the reset pending, so its next write
		// fails with EPIPE, and raises SIGPIPE unless the server ignores it.
		c2, err := dial(c, inst, "client 2")
		if err != nil {
			return err
		}
		c2.SetDeadline(time.Now().Add(limit))
		sent2, _ := c2.Write(make([]byte, 64<<10))
		c2.ShutdownWrite()
		c2.CloseReset()
		gone := []netip.AddrPort{c1.Local, c2.Local}
		// Give the server the time to meet both ends: until it holds neither connection.
		c.Await(limit, func(s observe.Snapshot) bool {
			return !slices.ContainsFunc(s.Connected(c.Port), func(k observe.Socket) bool { return slices.Contains(gone, k.TCP.Peer) })
		})
		if dead := died(c, inst, "after client 1 reset its connection and client 2 closed its own early"); dead != nil {
			return dead
		}
		c3, err := dial(c, inst, "client 3 (after clients 1 and 2 vanished)")
		if err != nil {
			return err
		}
		msg := []byte("client 3: are you still there?\n")
		got, err := c3.Echo(msg, limit)
		if err := echoFailure(c, inst, "client 3 (after clients 1 and 2 vanished)", msg, got, err); err != nil {
			return err
		}
		c.Note("client 1 sent %d bytes without reading and reset the connection; client 2 sent %d bytes, shut down its side and reset at once; your server still echoed for client 3", sent1, sent2)
		return nil
	},
}
