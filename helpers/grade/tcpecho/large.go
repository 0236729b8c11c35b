package tcpecho

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

var large = grade.CheckDef{
	ID:    "large",
	Title: "1 MiB of random bytes comes back identical",
	Expect: "1 MiB of random bytes, written while the client reads, comes back identical: every read() and every " +
		"short write() handled.",
	Params: []rubric.ParamSpec{readyWithin,
		{Name: "size", Kind: rubric.Bytes, Default: "1MiB", Doc: "how many bytes the client sends"},
		{Name: "within", Kind: rubric.Duration, Default: "10s", Doc: "how long the whole exchange may take"}},
	Run: func(c *grade.Ctx) error {
		inst, conn, err := connected(c, "the client")
		if err != nil {
			return err
		}
		data := make([]byte, c.Bytes("size"))
		rng := rand.NewChaCha8([32]byte{'s', 'o', 'c', 'k', 's', 'p', 'e', 'c'})
		rng.Read(data)
		got, err := conn.Exchange(data, c.Duration("within"))
		if err == nil && bytes.Equal(got, data) {
			c.Note("%d random bytes came back identical (sha256 %x…)", len(data), sha256.Sum256(data))
			return nil
		}
		f := echoFailure(c, inst, "the client", data, got, err)
		if ff, ok := grade.AsFailure(f); ok && ff.Hint == "" && err != nil && len(got) < len(data) {
			ff.WithHint("read() returns what has arrived so far and write() may write fewer bytes than asked (both return how many): keep reading until read() returns 0, and loop until every byte read is written.")
		}
		return f
	},
}
