// Package wsecho is the ws-echo assignment: `server PORT`, an HTTP/1.1 server whose GET /
// answers a page and whose GET /ws upgrades to WebSocket (RFC 6455) on the same port, then
// echoes every text and binary message, answers ping with pong and close with close. The
// grader speaks WebSocket byte by byte (helpers/wsproto over a raw socket), so every byte
// the server sends is checked: every frame, in every check, is held to the rules a server's
// frame must keep (a masked one is a protocol error, §5.1), while only `handshake` judges
// Sec-WebSocket-Accept (the others go on after any 101). Each check is in the file named
// after it and tests only its own thing.
package wsecho

import (
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

// Name is the assignment's name in rubrics and on the command line.
const Name = "ws-echo"

// Assignment is ws-echo's checks, in the order students meet them.
func Assignment() grade.Assignment {
	return grade.Assignment{Name: Name, Checks: []grade.CheckDef{
		listens, httpPage, handshake, sharedPort, echoText, echoBinary, fragmented, ping, closing,
		badHandshake, unmasked, concurrent,
	}}
}

// Parameters every check but listens takes.
var (
	readyWithin = rubric.ParamSpec{Name: "ready_within", Kind: rubric.Duration, Default: "3s",
		Doc: "how long the server may take to listen after it starts"}
	within = rubric.ParamSpec{Name: "within", Kind: rubric.Duration, Default: "1s",
		Doc: "how long an answer may take"}
)

// Path is where the WebSocket endpoint lives.
const Path = "/ws"
