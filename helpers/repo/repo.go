// Package repo finds files of the sockspec module from wherever a test binary runs.
// Ginkgo runs each suite in its own package directory, so paths are resolved from
// the module root (the directory whose go.mod declares "module sockspec").
package repo

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const module = "sockspec"

// Root returns the module root, searching upward from the working directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod declaring module %q above the working directory", module)
		}
		dir = parent
	}
}

func isRoot(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) == 2 && fields[0] == "module" {
			return fields[1] == module
		}
	}
	return false
}
