package catalog

import (
	"regexp"
	"strings"
	"testing"

	"sockspec/helpers/platform"
)

// A claim whose gVisor value differs from Linux's: the gvisor block lists only that key.
const withGVisor = `claims:
  - id: listen.backlog
    section: HTTP and Socket
    seed: "대기 큐"
    statement: Completed connections wait in a bounded queue.
    verdict: holds
    expect:
      gvisor:
        beyond_limit: completes-then-reset
      linux:
        rule: "b+1"
        completed_before_accept: {0: 1, 4: 5}
        beyond_limit: stays-in-progress
      darwin:
        rule: "b"
        completed_before_accept: {0: somaxconn, 4: 4}
        beyond_limit: stays-in-progress
      freebsd:
        rule: "3b/2+1"
        completed_before_accept: {0: 1, 4: 7}
        beyond_limit: completes-then-reset
    sources:
      - "Linux include/net/sock.h sk_acceptq_is_full"
      - "gVisor pkg/tcpip/transport/tcp/accept.go"
`

func TestGVisorBlock(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(withGVisor))
	if err != nil {
		t.Fatal(err)
	}
	linux := expected[Backlog](t, c, platform.Linux)
	gvisor := expected[Backlog](t, c, platform.GVisor)
	if gvisor.BeyondLimit != CompletesThenReset || linux.BeyondLimit != StaysInProgress {
		t.Errorf("beyond_limit: gvisor %s, linux %s; want gvisor's own value and linux's unchanged", gvisor.BeyondLimit, linux.BeyondLimit)
	}
	if gvisor.Rule != "b+1" || gvisor.Completed(4, 128) != 5 {
		t.Errorf("gvisor = %+v: the keys its block leaves out must be linux's", gvisor)
	}
	cl, _ := c.ByID("listen.backlog")
	if !cl.Varies(platform.GVisor) || cl.Varies(platform.Linux) {
		t.Errorf("Varies: gvisor %v, linux %v", cl.Varies(platform.GVisor), cl.Varies(platform.Linux))
	}

	// Without a gvisor block, gVisor reads linux's values.
	c, err = Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := expected[ChildSocket](t, c, platform.GVisor); got != expected[ChildSocket](t, c, platform.Linux) {
		t.Errorf("no gvisor block: gvisor reads %+v, linux %+v", got, expected[ChildSocket](t, c, platform.Linux))
	}
	cl, _ = c.ByID("accept.child-socket")
	if cl.Varies(platform.GVisor) {
		t.Error("Varies(gvisor) without a gvisor block")
	}
}

func TestGVisorBlockMalformed(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"no gVisor source", strings.Replace(withGVisor, `      - "gVisor pkg/tcpip/transport/tcp/accept.go"`+"\n", "", 1),
			`claims.yaml:8: claim listen.backlog: expect.gvisor differs from linux, so the claim's sources must cite gvisor's own code or issue`},
		{"same as linux", strings.Replace(withGVisor, "beyond_limit: completes-then-reset\n      linux:", "beyond_limit: stays-in-progress\n      linux:", 1),
			`claims.yaml:8: claim listen.backlog: expect.gvisor gives the same values as linux: remove it`},
		{"unknown key", strings.Replace(withGVisor, "        beyond_limit: completes-then-reset\n      linux:", "        beyond: completes-then-reset\n      linux:", 1),
			`claims.yaml:9: claim listen.backlog, expect.gvisor: unknown key "beyond"`},
		{"wrong type", strings.Replace(withGVisor, "        beyond_limit: completes-then-reset\n      linux:", "        beyond_limit: soon\n      linux:", 1),
			`claims.yaml:9: claim listen.backlog, expect.gvisor.beyond_limit: "soon" is not one of`},
		{"rule across keys", strings.Replace(withGVisor, "        beyond_limit: completes-then-reset\n      linux:", "        completed_before_accept: {4: somaxconn}\n      linux:", 1),
			`claims.yaml:8: claim listen.backlog, expect.gvisor: completed_before_accept 4: somaxconn`},
		{"unknown variant", strings.Replace(withGVisor, "      gvisor:", "      wsl:", 1),
			`claims.yaml:8: claim listen.backlog: expectation for unknown OS "wsl" \(known: linux, darwin, freebsd, gvisor\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("claims.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("Parse accepted a malformed catalog")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error\n  %v\ndoes not match\n  %s", err, tc.want)
			}
		})
	}
}
