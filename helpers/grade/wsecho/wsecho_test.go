package wsecho

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"

	"sockspec/helpers/grade"
	"sockspec/helpers/wsproto"
)

// The text messages are exactly the sizes that take each length encoding, and UTF-8.
func TestTextSizes(t *testing.T) {
	for _, n := range append([]int{0, 1, 6, 7, 12, 13, 14}, textSizes...) {
		b := text(n)
		if len(b) != n || !utf8.Valid(b) {
			t.Errorf("text(%d): %d bytes, valid UTF-8 %v", n, len(b), utf8.Valid(b))
		}
	}
	if !strings.Contains(string(text(70000)), "소켓") {
		t.Error("the long message should carry Korean text")
	}
	// 5 takes 7 bits, 126 the first 16-bit length, 70000 a 64-bit one.
	for n, b1 := range map[int]byte{5: 5, 126: 126, 70000: 127} {
		if got := wsproto.Text(string(text(n)), false).Bytes()[1]; got != b1 {
			t.Errorf("a %d-byte frame's second byte is %d, want %d", n, got, b1)
		}
	}
}

// Each common mistake in Sec-WebSocket-Accept gets its own hint; an unknown one the recipe.
func TestAcceptHint(t *testing.T) {
	key := wsproto.NewKey()
	sum := func(s string) []byte { h := sha1.Sum([]byte(s)); return h[:] }
	b64 := base64.StdEncoding.EncodeToString
	raw, _ := base64.StdEncoding.DecodeString(key)
	for got, want := range map[string]string{
		"":            "must carry Sec-WebSocket-Accept",
		b64(sum(key)): "without the GUID",
		hex.EncodeToString(sum(key + wsproto.GUID)):              "in hex",
		b64([]byte(hex.EncodeToString(sum(key + wsproto.GUID)))): "hex text",
		b64(sum(string(raw) + wsproto.GUID)):                     "hashed the decoded key",
		key:                                                      "sent the key back",
		"c3VyZWx5IG5vdCB0aGlzIG9uZQ==":                           "the key as sent (text, not decoded)",
	} {
		if h := acceptHint(key, got); !strings.Contains(h, want) {
			t.Errorf("acceptHint for %q = %q, want it to say %q", got, h, want)
		}
	}
}

// The fragmented check's message splits inside a character, as its feedback says.
func TestFragmentsSplitACharacter(t *testing.T) {
	msg := []byte("fragments: 웹 소켓 message in three frames")
	frames := wsproto.Fragments(wsproto.OpText, msg, []int{12, 10}, true)
	sizes := []int{len(frames[0].Payload), len(frames[1].Payload), len(frames[2].Payload)}
	if sizes[0] != 12 || sizes[1] != 10 || sizes[2] != 23 || utf8.Valid(frames[0].Payload) {
		t.Errorf("fragments of %d, %d and %d bytes (the feedback says 12 + 10 + 23); first one valid UTF-8: %v", sizes[0], sizes[1], sizes[2], utf8.Valid(frames[0].Payload))
	}
}

// Every check names at least one claim in the bundled rubric, and ws-echo's checks are the
// ones the issue lists, in its order.
func TestChecks(t *testing.T) {
	var ids []string
	for _, c := range Assignment().Checks {
		ids = append(ids, c.ID)
		if c.Title == "" || c.Expect == "" || c.Run == nil {
			t.Errorf("check %s lacks a title, an expectation or code", c.ID)
		}
	}
	want := "listens http-page handshake shared-port echo-text echo-binary fragmented ping close bad-handshake unmasked concurrent"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("checks %s, want %s", got, want)
	}
	cat, err := grade.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	path, err := grade.RubricPath(Name)
	if err != nil {
		t.Fatal(err)
	}
	rub, err := grade.LoadRubric(path, Assignment(), cat)
	if err != nil {
		t.Fatal(err)
	}
	if rub.MaxScore() != 100 || len(rub.Warnings) > 0 {
		t.Errorf("the rubric gives %v points (want 100); warnings %v", rub.MaxScore(), rub.Warnings)
	}
	for _, c := range rub.Checks {
		if len(c.Claims) == 0 {
			t.Errorf("%s:%d: check %s names no claim", path, c.Line, c.ID)
		}
	}
}
