// Package assignments lists the assignments the grader knows, by name.
package assignments

import (
	"fmt"
	"strings"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/tcpecho"
	"sockspec/helpers/grade/wsecho"
)

// All is every assignment, in the order the README presents them.
func All() []grade.Assignment {
	return []grade.Assignment{tcpecho.Assignment(), wsecho.Assignment()}
}

// Names is the names of All.
func Names() []string {
	var names []string
	for _, a := range All() {
		names = append(names, a.Name)
	}
	return names
}

// Find returns the assignment called name.
func Find(name string) (grade.Assignment, error) {
	for _, a := range All() {
		if a.Name == name {
			return a, nil
		}
	}
	return grade.Assignment{}, fmt.Errorf("unknown assignment %q; known: %s", name, strings.Join(Names(), ", "))
}
