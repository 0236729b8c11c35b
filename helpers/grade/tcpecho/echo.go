package tcpecho

import (
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

var echo = grade.CheckDef{
	ID:     "echo",
	Title:  "one message comes back",
	Expect: "A client sends a short message in one write() and gets exactly those bytes back, nothing more.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		inst, conn, err := connected(c, "the client")
		if err != nil {
			return err
		}
		msg := []byte("hello, sockspec! 안녕하세요\n")
		got, err := conn.Echo(msg, c.Duration("within"))
		if err := echoFailure(c, inst, "the client", msg, got, err); err != nil {
			return err
		}
		extra, _, _ := conn.Available(c.Duration("within") / 10)
		if len(extra) > 0 {
			return grade.Failf("the client got its %d bytes back and then %d more it never sent: %q.", len(msg), len(extra), extra)
		}
		c.Note("%s", echoed("the client", msg))
		return nil
	},
}
