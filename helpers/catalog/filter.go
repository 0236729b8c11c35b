package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

var (
	filterRegexp = regexp.MustCompile(`/[^/]*/`)                                     // a regular expression names no claim
	filterSet    = regexp.MustCompile(`(?i)\bclaim:\s+\w+\s*(\{[^}]*\}|[^&|!,()]*)`) // claim: containsAny {a, b}
	filterLabel  = regexp.MustCompile(`(?i)(?:^|[\s&|!,()])claim:([^\s&|!,()]+)`)    // claim:fd.no-lseek
)

// ClaimsIn returns the claim IDs a Ginkgo label filter names: each label claim:<id>, and
// each argument of a set operation on the key "claim". Regular expressions name none. IDs
// are lowercased, as Ginkgo matches labels.
func ClaimsIn(filter string) []string {
	filter = filterRegexp.ReplaceAllString(filter, " ")
	var ids []string
	for _, m := range filterSet.FindAllStringSubmatch(filter, -1) {
		for _, id := range strings.Split(strings.Trim(m[1], "{} "), ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, strings.ToLower(id))
			}
		}
	}
	filter = filterSet.ReplaceAllString(filter, " ")
	for _, m := range filterLabel.FindAllStringSubmatch(filter, -1) {
		ids = append(ids, strings.ToLower(m[1]))
	}
	return ids
}

// CheckFilter checks a label filter before a run: it must parse, and every claim it names
// must be in the catalog. A mistyped claim would select no spec, and a run that checks
// nothing must not pass.
func (c *Catalog) CheckFilter(filter string) error {
	if filter == "" {
		return nil
	}
	if _, err := types.ParseLabelFilter(filter); err != nil {
		return fmt.Errorf("label filter %q does not parse: %s", filter, oneLine(err.Error()))
	}
	var unknown []string
	for _, id := range ClaimsIn(filter) {
		if _, ok := c.byID[id]; ok {
			continue
		}
		u := id
		if near := c.nearest(id); near != "" {
			u += " (did you mean " + near + "?)"
		}
		unknown = append(unknown, u)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("label filter %q names claim %s, which %s does not list, so it selects no spec of it",
			filter, strings.Join(unknown, ", claim "), c.File)
	}
	return nil
}

// nearest is the catalog's ID closest to id, if it is a likely typo (at most 3 edits).
func (c *Catalog) nearest(id string) string {
	best, bestD := "", 4
	for _, cl := range c.Claims {
		if d := distance(id, cl.ID); d < bestD {
			best, bestD = cl.ID, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// oneLine joins Ginkgo's multi-line, colored error text into one line.
func oneLine(s string) string {
	s = regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}
