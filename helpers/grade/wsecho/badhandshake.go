package wsecho

import (
	"fmt"
	"strings"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var badHandshake = grade.CheckDef{
	ID:    "bad-handshake",
	Title: "a bad opening handshake is refused",
	Expect: "An upgrade with `Sec-WebSocket-Version: 8` gets a 4xx answer with `Sec-WebSocket-Version: 13` (the version your " +
		"server speaks, RFC 6455 §4.2.2, §4.4); an upgrade without `Sec-WebSocket-Key` gets a 4xx answer. Neither gets 101.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		inst, _, err := c.Ready()
		if err != nil {
			return err
		}
		var wrong, hints, seen []string
		// Version 8: refused, naming 13.
		v8 := wsproto.Upgrade(c.Loopback().String(), Path, wsproto.NewKey()).Set("Sec-WebSocket-Version", "8")
		r, err := refusal(c, inst, "client 1 (Sec-WebSocket-Version: 8)", v8)
		switch {
		case err != nil:
			return err
		case r.Status == 101:
			wrong = append(wrong, fmt.Sprintf("the upgrade with Sec-WebSocket-Version: 8 got %q: your server accepted a version it does not speak", statusLine(r)))
		case r.Status < 400 || r.Status > 499:
			wrong = append(wrong, fmt.Sprintf("the upgrade with Sec-WebSocket-Version: 8 got %q, not a 4xx error", statusLine(r)))
		case !r.HasToken("Sec-WebSocket-Version", "13"):
			wrong = append(wrong, fmt.Sprintf("the upgrade with Sec-WebSocket-Version: 8 got %q with Sec-WebSocket-Version: %s, not naming 13", statusLine(r), shown(r.Get("Sec-WebSocket-Version"))))
		default:
			seen = append(seen, fmt.Sprintf("Sec-WebSocket-Version: 8 → %q with Sec-WebSocket-Version: %s", statusLine(r), r.Get("Sec-WebSocket-Version")))
		}
		if len(wrong) > 0 {
			hints = append(hints, "check Sec-WebSocket-Version: when it is not 13, answer `426 Upgrade Required` with `Sec-WebSocket-Version: 13` and do not switch protocols (RFC 6455 §4.2.2, §4.4)")
		}
		// No key: refused.
		noKey := wsproto.Upgrade(c.Loopback().String(), Path, "").Del("Sec-WebSocket-Key")
		r, err = refusal(c, inst, "client 2 (no Sec-WebSocket-Key)", noKey)
		switch {
		case err != nil:
			return err
		case r.Status == 101 || r.Status < 400 || r.Status > 499:
			wrong = append(wrong, fmt.Sprintf("the upgrade without Sec-WebSocket-Key got %q, not a 4xx error", statusLine(r)))
			hints = append(hints, "without a Sec-WebSocket-Key there is no accept to compute: answer `400 Bad Request` (RFC 6455 §4.2.1)")
		default:
			seen = append(seen, fmt.Sprintf("no Sec-WebSocket-Key → %q", statusLine(r)))
		}
		if len(wrong) > 0 {
			return grade.Failf("%s.", capitalize(strings.Join(wrong, "; and "))).WithHint("%s.", capitalize(strings.Join(hints, "; ")))
		}
		c.Note("%s", strings.Join(seen, "; "))
		return nil
	},
}

// refusal sends a bad upgrade request on a new connection and reads the answer.
func refusal(c *grade.Ctx, inst *grade.Instance, who string, req *wsproto.Request) (*wsproto.Response, error) {
	s, err := dial(c, inst, who)
	if err != nil {
		return nil, err
	}
	if err := s.send("its upgrade request", req.Bytes()); err != nil {
		return nil, err
	}
	return s.response("the answer to its upgrade request")
}
