package tcpecho

import (
	"fmt"
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
	Expect: "Client 1 sends 256 KiB without reading and closes with RST (SO_LINGER 0); clients 2 to 4 each send " +
		"16 KiB and close at once, so the echo meets a closed socket. Your server keeps running and echoes for " +
		"client 5 (SIGPIPE, EPIPE and ECONNRESET handled).",
	Params: []rubric.ParamSpec{readyWithin, within,
		{Name: "size", Kind: rubric.Bytes, Default: "256KiB", Doc: "what client 1 sends before it resets"}},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		limit := c.Duration("within")
		// Client 1: writes as much as the server takes within the limit, never reads, resets.
		c1, err := c.Connect(inst, "client 1")
		if err != nil {
			return err
		}
		c1.SetDeadline(time.Now().Add(limit))
		sent1, _ := c1.Write(make([]byte, c.Bytes("size")))
		c1.CloseReset()
		// Give the server the time to meet that end: until it holds the connection no more.
		deadline := time.Now().Add(limit)
		settle := func(peer netip.AddrPort) {
			c.Await(time.Until(deadline), func(s observe.Snapshot) bool {
				return !slices.ContainsFunc(s.Connected(c.Port), func(k observe.Socket) bool { return k.TCP.Peer == peer })
			})
		}
		settle(c1.Local)
		// Clients 2 to 4: each sends and closes at once. The data is corked, so it leaves
		// with the FIN only after close(): the server's echo meets a closed socket, which
		// answers with RST, and the server's next write fails with EPIPE, raising SIGPIPE
		// unless the server ignores it. (Under heavy load the RST can come late, after
		// the server wrote everything; hence three of them.) Each checks with the kernel
		// that its data was still held when it closed.
		held := 0
		for i := 2; i <= 4; i++ {
			if dead := c.Died(inst, "after client 1 reset its connection and other clients closed theirs early"); dead != nil {
				return dead
			}
			who := fmt.Sprintf("client %d", i)
			conn, err := c.Connect(inst, who)
			if err != nil {
				return err
			}
			if err := conn.Cork(); err != nil {
				return err
			}
			conn.SetDeadline(time.Now().Add(limit))
			sent, _ := conn.Write(make([]byte, 16<<10))
			unsent, err := conn.Unsent()
			conn.Close()
			if err != nil {
				return err
			}
			if unsent == sent {
				held++
			}
			settle(conn.Local)
		}
		if dead := c.Died(inst, "after client 1 reset its connection and other clients closed theirs early"); dead != nil {
			return dead
		}
		c3, err := c.Connect(inst, "client 5 (after the others vanished)")
		if err != nil {
			return err
		}
		msg := []byte("client 3: are you still there?\n")
		got, err := c3.Echo(msg, limit)
		if err := echoFailure(c, inst, "client 5 (after the others vanished)", msg, got, err); err != nil {
			return err
		}
		c.Note("client 1 sent %d bytes without reading and reset the connection; clients 2 to 4 each sent 16384 bytes and closed at once (%d of them with all data still held by the kernel at close); your server still echoed for client 5", sent1, held)
		return nil
	},
}
