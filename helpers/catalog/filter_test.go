package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestClaimsIn(t *testing.T) {
	for filter, want := range map[string][]string{
		"":                                      nil,
		"claim:fd.no-lseek":                     {"fd.no-lseek"},
		"Claim:FD.No-Lseek":                     {"fd.no-lseek"},
		"(claim:a.b || claim:c.d) && !slow":     {"a.b", "c.d"},
		"!needs:root && claim:a.b,claim:c.d":    {"a.b", "c.d"},
		"/claim:fd\\..*/ && claim:a.b":          {"a.b"},
		"claim: containsAny {a.b, c.d} && slow": {"a.b", "c.d"},
		"needs:root":                            nil,
	} {
		if got := ClaimsIn(filter); !slices.Equal(got, want) {
			t.Errorf("ClaimsIn(%q) = %q, want %q", filter, got, want)
		}
	}
}

// A mistyped claim in a label filter selects no spec: the run must stop and say so, with
// the claim it probably meant.
func TestCheckFilter(t *testing.T) {
	c, err := Parse("claims.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{"", "claim:accept.child-socket", "!needs:root", "/claim:accept\\..*/", "claim:accept.child-socket && !slow"} {
		if err := c.CheckFilter(ok); err != nil {
			t.Errorf("CheckFilter(%q) = %v", ok, err)
		}
	}
	for filter, want := range map[string]string{
		"claim:accept.child-sockt": `label filter "claim:accept.child-sockt" names claim accept.child-sockt (did you mean accept.child-socket?), which claims.yaml does not list, so it selects no spec of it`,
		"claim:nothing.like-it":    `names claim nothing.like-it, which claims.yaml does not list`,
		"claim:((":                 `label filter "claim:((" does not parse: Syntax Error Parsing Label Filter claim:(( Missing set operation.`,
	} {
		err := c.CheckFilter(filter)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckFilter(%q) = %v, want it to say %s", filter, err, want)
		}
	}
}
