package wsecho

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var handshake = grade.CheckDef{
	ID:    "handshake",
	Title: "the opening handshake is RFC 6455's",
	Expect: "`GET /ws` with `Upgrade: websocket`, `Connection: Upgrade`, `Sec-WebSocket-Version: 13` and a random `Sec-WebSocket-Key` " +
		"gets `101 Switching Protocols` with `Upgrade: websocket`, `Connection: Upgrade` and `Sec-WebSocket-Accept` = " +
		"base64(SHA-1(key + \"" + wsproto.GUID + "\")) (RFC 6455 §4.2.2).",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := fresh(c, "the client")
		if err != nil {
			return err
		}
		r, err := s.upgrade()
		if err != nil {
			return err
		}
		var wrong, hints []string
		if !r.HasToken("Upgrade", "websocket") {
			wrong = append(wrong, "Upgrade: "+shown(r.Get("Upgrade"))+" where websocket belongs")
			hints = append(hints, "send `Upgrade: websocket`")
		}
		if !r.HasToken("Connection", "Upgrade") {
			wrong = append(wrong, "Connection: "+shown(r.Get("Connection"))+" where Upgrade belongs")
			hints = append(hints, "send `Connection: Upgrade`")
		}
		got, want := r.Get("Sec-WebSocket-Accept"), wsproto.AcceptKey(s.key)
		if got != want {
			wrong = append(wrong, fmt.Sprintf("a wrong Sec-WebSocket-Accept: the key sent was %s, so the accept expected was %s = base64(SHA-1(%q + %q)), and the accept received was %s",
				s.key, want, s.key, wsproto.GUID, shown(got)))
			hints = append(hints, acceptHint(s.key, got))
		}
		if len(wrong) > 0 {
			return grade.Failf("the upgrade got %q, but with %s.", statusLine(r), strings.Join(wrong, "; and ")).
				WithHint("%s.", capitalize(strings.Join(hints, "; ")))
		}
		c.Note("Sec-WebSocket-Key %s → %q with Upgrade: %s, Connection: %s, Sec-WebSocket-Accept: %s (= base64(SHA-1(key + GUID)))",
			s.key, statusLine(r), r.Get("Upgrade"), r.Get("Connection"), got)
		return nil
	},
}

// acceptHint names the mistake a wrong accept shows, when it is a common one.
func acceptHint(key, got string) string {
	sum := func(s string) []byte { h := sha1.Sum([]byte(s)); return h[:] }
	b64 := base64.StdEncoding.EncodeToString
	raw, _ := base64.StdEncoding.DecodeString(key)
	switch got {
	case "":
		return "the 101 must carry Sec-WebSocket-Accept: base64(SHA-1(key + GUID))"
	case b64(sum(key)):
		return "your accept is base64(SHA-1(key)) without the GUID: append \"" + wsproto.GUID + "\" to the key, as text, before hashing"
	case hex.EncodeToString(sum(key + wsproto.GUID)):
		return "your accept is the SHA-1 in hex: base64-encode the 20 raw bytes of the digest instead"
	case b64([]byte(hex.EncodeToString(sum(key + wsproto.GUID)))):
		return "your accept is base64 of the SHA-1's hex text: base64-encode the 20 raw bytes of the digest instead"
	case b64(sum(string(raw) + wsproto.GUID)):
		return "you hashed the decoded key: hash the key as the client sent it (24 characters of base64 text) with the GUID appended"
	case key:
		return "you sent the key back: the accept is base64(SHA-1(key + GUID))"
	}
	return "compute the accept as base64(SHA-1(key + \"" + wsproto.GUID + "\")): the key as sent (text, not decoded), the GUID appended, the 20 bytes of the digest in base64"
}

// shown quotes a header value, or says it is missing.
func shown(v string) string {
	if v == "" {
		return "(missing)"
	}
	return v
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
