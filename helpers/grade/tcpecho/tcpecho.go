// Package tcpecho is the tcp-echo assignment: a TCP server `server PORT` that echoes every
// byte each client sends until that client closes, serves many clients at once, survives
// clients that vanish, restarts at once on its port and reports a taken port. Each check
// is in the file named after it and tests only its own thing.
package tcpecho

import (
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

// Name is the assignment's name in rubrics and on the command line.
const Name = "tcp-echo"

// Assignment is tcp-echo's checks, in the order students meet them.
func Assignment() grade.Assignment {
	return grade.Assignment{Name: Name, Checks: []grade.CheckDef{
		listens, echo, stream, large, concurrent, descriptors, noLeak, abruptClose, restart, portInUse,
	}}
}

// Parameters several checks take.
var (
	readyWithin = rubric.ParamSpec{Name: "ready_within", Kind: rubric.Duration, Default: "3s",
		Doc: "how long the server may take to listen after it starts"}
	within = rubric.ParamSpec{Name: "within", Kind: rubric.Duration, Default: "1s",
		Doc: "how long an answer may take"}
)
