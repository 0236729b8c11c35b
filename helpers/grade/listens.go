package grade

import "sockspec/helpers/grade/rubric"

// Listens is the first check of every assignment: the target listens on its port within
// readyWithin (the assignment's parameter of that name), as the kernel's tables show.
func Listens(readyWithin rubric.ParamSpec) CheckDef {
	return CheckDef{
		ID:     "listens",
		Title:  "the server listens on PORT",
		Expect: "Within ready_within of starting, one of your server's processes holds a TCP socket in LISTEN on PORT (socket, bind, listen).",
		Params: []rubric.ParamSpec{readyWithin},
		Run: func(c *Ctx) error {
			_, _, err := c.Ready()
			return err
		},
	}
}
