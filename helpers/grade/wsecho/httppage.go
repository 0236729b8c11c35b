package wsecho

import (
	"errors"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/client"
	"sockspec/helpers/grade/rubric"
	"sockspec/helpers/wsproto"
)

var httpPage = grade.CheckDef{
	ID:     "http-page",
	Title:  "GET / answers a page",
	Expect: "A plain HTTP/1.1 request `GET /` gets `200 OK` with a body (the HTML page), delimited by Content-Length, chunked encoding or the end of the connection.",
	Params: []rubric.ParamSpec{readyWithin, within},
	Run: func(c *grade.Ctx) error {
		s, err := fresh(c, "the client")
		if err != nil {
			return err
		}
		if err := s.send("GET /", wsproto.Get(s.host(), "/").Bytes()); err != nil {
			return err
		}
		r, err := s.response("the answer to GET /")
		if err != nil {
			return err
		}
		if r.UntilClose {
			s.arm()
			if err := r.ReadBodyUntilClose(s.br); err != nil {
				if errors.Is(err, client.ErrTimeout) {
					return grade.Failf("GET / got %q with neither Content-Length nor Transfer-Encoding: chunked, so its body runs until the connection closes, but your server kept the connection open for %s (%d bytes of body by then).", statusLine(r), s.within(), len(r.Body)).
						WithHint("Send Content-Length: <the page's size in bytes> with the page, or close the connection after it.")
				}
				return s.waitFailure("the body of the answer to GET /", err, nil)
			}
		}
		if r.Status != 200 {
			return grade.Failf("GET / got %q, not 200 OK.", statusLine(r)).
				WithHint("Answer GET / with `HTTP/1.1 200 OK`, a Content-Type and Content-Length, an empty line, then the HTML page.")
		}
		if len(r.Body) == 0 {
			return grade.Failf("GET / got %q with an empty body.", statusLine(r)).
				WithHint("Send the HTML page after the empty line that ends the headers, and say its size in Content-Length.")
		}
		c.Note("GET / → %q with a body of %d bytes (%s)", statusLine(r), len(r.Body), bodyKind(r))
		return nil
	},
}

func bodyKind(r *wsproto.Response) string {
	switch {
	case r.UntilClose:
		return "up to the end of the connection"
	case r.HasToken("Transfer-Encoding", "chunked"):
		return "chunked"
	}
	return "Content-Length " + r.Get("Content-Length")
}
