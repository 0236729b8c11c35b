package server

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("the port selects the application", suite.Checks("addr.port-selects-app"), func() {
	DescribeTable("of two servers on one host, the one on the destination port gets the connection",
		func(f sock.Family) {
			within := suite.MustHappenWithin()
			a, b := sock.Listener(f, 4), sock.Listener(f, 4)
			for _, tc := range []struct{ to, other *sock.Socket }{{a, b}, {b, a}} {
				c := sock.Dial(f, tc.to.Local())
				Expect(tc.to.AcceptWithin(within).Peer()).To(Equal(c.Local()), "the server on %s gets the client", tc.to.Local())
				Expect(c).To(CompleteWithin(within))
				_, err := tc.other.Accept()
				Expect(err).To(FailWithErrno(unix.EAGAIN), "the server on %s must have nothing queued", tc.other.Local())
			}
			suite.Evidence("%s: to port %d → server A only; to port %d → server B only", f.Name, a.Local().Port(), b.Local().Port())
		},
		suite.Families(),
	)
})
