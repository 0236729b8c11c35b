package tcpecho

import (
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

var listens = grade.CheckDef{
	ID:     "listens",
	Title:  "the server listens on PORT",
	Expect: "Within ready_within of starting, one of your server's processes holds a TCP socket in LISTEN on PORT (socket, bind, listen).",
	Params: []rubric.ParamSpec{readyWithin},
	Run: func(c *grade.Ctx) error {
		_, _, err := ready(c)
		return err
	},
}
