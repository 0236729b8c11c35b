// Package skip is the one way a spec says it cannot run here. Every skip names one of the
// declared environment reasons, so the claims table can tell "this machine cannot run it"
// (not root, another OS, a kernel feature missing) from a claim that was never checked, and
// the ci profile can fail a claim that was skipped for any other reason.
package skip

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// Reason is a declared environment reason.
type Reason string

const (
	NotRoot        Reason = "needs root"     // the spec needs privileges this run lacks
	OtherOS        Reason = "not on this OS" // the behaviour does not exist on this OS
	MissingFeature Reason = "kernel lacks"   // a kernel feature this machine lacks, named in the detail
	Unusable       Reason = "unusable here"  // a resource of this machine is unusable (IPv6 loopback off)
)

// Reasons lists every declared reason.
var Reasons = []Reason{NotRoot, OtherOS, MissingFeature, Unusable}

// prefix starts every skip message this package makes: "environment (needs root): ...".
const prefix = "environment ("

// Because skips the current spec for a declared environment reason, saying what is missing.
func Because(r Reason, format string, args ...any) {
	ginkgo.GinkgoHelper()
	ginkgo.Skip(Message(r, fmt.Sprintf(format, args...)))
}

// Message is the skip message for r and detail.
func Message(r Reason, detail string) string { return prefix + string(r) + "): " + detail }

// ReasonOf reads the declared reason back from a skip message; ok is false for a skip that
// names none (a bare Skip, a label filter, a pending spec).
func ReasonOf(message string) (r Reason, detail string, ok bool) {
	rest, found := strings.CutPrefix(message, prefix)
	if !found {
		return "", "", false
	}
	name, detail, found := strings.Cut(rest, "): ")
	if !found {
		return "", "", false
	}
	for _, known := range Reasons {
		if string(known) == name {
			return known, detail, true
		}
	}
	return "", "", false
}
