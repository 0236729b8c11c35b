package wsecho

import (
	"fmt"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

// textSizes take each of the three length encodings of §5.2: 7 bits, 16 bits (126 is the
// first size that needs them) and 64 bits (above 65535).
var textSizes = []int{5, 126, 70000}

var echoText = grade.CheckDef{
	ID:    "echo-text",
	Title: "text messages come back",
	Expect: "After the handshake, masked text messages of 5, 126 and 70 000 bytes (7-, 16- and 64-bit lengths) each come back " +
		"as a text message with the same payload, in unmasked frames.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		for _, n := range textSizes {
			if err := s.echo(fmt.Sprintf("its %d-byte text message", n), wsproto.OpText, text(n)); err != nil {
				return err
			}
		}
		c.Note("text messages of 5, 126 and 70000 bytes (7-, 16- and 64-bit lengths) came back as text, unmasked, byte for byte")
		return nil
	},
}
