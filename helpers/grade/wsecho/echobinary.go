package wsecho

import (
	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var echoBinary = grade.CheckDef{
	ID:     "echo-binary",
	Title:  "a binary message comes back",
	Expect: "After the handshake, a masked binary message holding every byte value 0–255 comes back as a binary message with the same payload, in unmasked frames.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := opened(c, "the client")
		if err != nil {
			return err
		}
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		if err := s.echo("its binary message of the 256 byte values", wsproto.OpBinary, all); err != nil {
			return err
		}
		c.Note("a binary message of the 256 byte values 0x00–0xff came back as binary, unmasked, byte for byte")
		return nil
	},
}
