// Package repo finds sockspec's data files (ginkgo.yaml, fixtures/claims.yaml, the rubrics
// under fixtures/assignments and the samples under fixtures/submissions) from wherever a
// suite binary, the claims command or the grader runs: in a checkout, in an unpacked
// bundle of `make dist`, or anywhere SOCKSPEC_ROOT points.
package repo

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// EnvVar names the data root explicitly.
const EnvVar = "SOCKSPEC_ROOT"

// Marker is the file every data root holds.
var Marker = filepath.Join("fixtures", "claims.yaml")

const module = "sockspec"

// Root is the directory holding the data files. The rule, first match wins:
//
//  1. $SOCKSPEC_ROOT, when set (it must hold fixtures/claims.yaml);
//  2. a bundle: the running binary sits in DIR/bin/ and DIR holds fixtures/claims.yaml;
//  3. a checkout: the nearest directory holding a go.mod of module sockspec, from the
//     working directory up (Ginkgo and go test run a suite in its package directory),
//     then from the binary's directory up (out/bin/server.test run from elsewhere).
//
// When none matches, the error names every place it looked.
func Root() (string, error) {
	if dir, ok := os.LookupEnv(EnvVar); ok {
		if dir == "" || !isFile(filepath.Join(dir, Marker)) {
			return "", fmt.Errorf("%s=%q holds no %s: point it at the directory holding ginkgo.yaml and fixtures/, or unset it", EnvVar, dir, Marker)
		}
		return filepath.Abs(dir)
	}
	var looked []string
	exe, exeErr := executable()
	if exeErr == nil {
		bundle := filepath.Dir(filepath.Dir(exe))
		if filepath.Base(filepath.Dir(exe)) == "bin" && isFile(filepath.Join(bundle, Marker)) {
			return bundle, nil
		}
		looked = append(looked, fmt.Sprintf("not a bundle (%s is not in a bin/ directory beside %s)", exe, Marker))
	} else {
		looked = append(looked, fmt.Sprintf("not a bundle (this binary's path is unknown: %v)", exeErr))
	}
	if wd, err := os.Getwd(); err == nil {
		if dir, ok := checkout(wd); ok {
			return dir, nil
		}
		looked = append(looked, fmt.Sprintf("no go.mod of module %s in %s or above", module, wd))
	}
	if exeErr == nil {
		if dir, ok := checkout(filepath.Dir(exe)); ok {
			return dir, nil
		}
		looked = append(looked, fmt.Sprintf("none in %s (the binary's directory) or above", filepath.Dir(exe)))
	}
	return "", errors.New("cannot find sockspec's data files (ginkgo.yaml, " + Marker + "): " + EnvVar + " is not set; " +
		strings.Join(looked, "; ") + ". Set " + EnvVar + " to the directory that holds them")
}

// executable is this binary's path, symbolic links resolved (a link to a bundle's binary
// still finds the bundle).
func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(exe)
}

// checkout walks up from dir to the go.mod of module sockspec.
func checkout(dir string) (string, bool) {
	for {
		if isRoot(filepath.Join(dir, "go.mod")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
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

// MakeEnviron is this process's environment without what an outer make passes down to the
// commands it runs (MAKEFLAGS carries its command line's variables, such as PROFILE=ci,
// into every make started below it): for tests that run make in a checkout of their own.
func MakeEnviron() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}, name)
	})
}
