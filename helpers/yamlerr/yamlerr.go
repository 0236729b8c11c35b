// Package yamlerr turns the errors of go.yaml.in/yaml/v3 into "file:line: message", one
// line per problem, for the files people edit by hand (fixtures/claims.yaml, ginkgo.yaml).
//
// For a syntax error the parser names the line where the enclosing block starts (a
// mis-indented key on line 81 of claims.yaml comes back as "line 14", the "claims:" line);
// the line it found the problem on is not in the error. Locate finds that line again: the
// shortest run of leading lines that fails with the same message ends at it.
package yamlerr

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	syntax  = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
	lineRef = regexp.MustCompile(`line (\d+): (.*)`)
)

// Locate rewrites err, returned while decoding data read from file, as "file:line: message".
func Locate(file string, data []byte, err error) error {
	var typeErr *yaml.TypeError
	if m := syntax.FindStringSubmatch(err.Error()); m != nil && !errors.As(err, &typeErr) && !strings.Contains(err.Error(), "\n") {
		if line := firstFailingLine(data, m[2]); line > 0 {
			return fmt.Errorf("%s:%d: %s", file, line, m[2])
		}
	}
	// Decoding errors (a value of the wrong type, an unknown field) carry the right line,
	// one "line N: message" per problem.
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if m := lineRef.FindStringSubmatch(l); m != nil {
			out = append(out, fmt.Sprintf("%s:%s: %s", file, m[1], strings.TrimPrefix(m[2], "line "+m[1]+": ")))
		}
	}
	if len(out) == 0 {
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return errors.New(strings.Join(out, "\n"))
}

// firstFailingLine returns the number of the first line whose inclusion makes data fail to
// parse with problem, or 0 if no prefix of data does.
func firstFailingLine(data []byte, problem string) int {
	lines := strings.SplitAfter(string(data), "\n")
	for n := 1; n <= len(lines); n++ {
		var doc yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc)
		if err == nil {
			continue
		}
		if m := syntax.FindStringSubmatch(err.Error()); m != nil && m[2] == problem {
			return n
		}
	}
	return 0
}
