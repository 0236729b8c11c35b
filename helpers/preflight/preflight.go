// Package preflight checks, before any spec runs, that this machine can run sockspec at
// all: IPv4 loopback carries a connection, the descriptor limit leaves room for the largest
// spec, and the temporary directory exists. A failed check is an environment error that
// names the cause and the fix; the run stops before its first spec, so nothing reads as a
// claim the kernel broke. `make conformance` checks once before the suites; each suite checks
// again at start-up (suite.Run), for runs through plain `go tool ginkgo`.
package preflight

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
)

// The descriptor budget: a suite process needs the descriptors it holds at start-up, plus
// SpecPeak, plus GoAndGinkgo. TestDescriptorBudget (helpers/suite) runs every suite at
// exactly that limit, so a spec that needs more fails there, not on a user's machine.
const (
	// SpecPeak is the most descriptors one spec holds at once. The largest is listen.backlog
	// with backlog 16 (fixtures/claims.yaml): the listener, the 17 clients Linux completes
	// before accept() and the one left waiting. Measured: with 9 descriptors open at
	// start-up the server suite passes serially from ulimit -n 28 (9 + 19), not at 27.
	SpecPeak = 19
	// GoAndGinkgo is what Ginkgo and the Go runtime open while a spec runs: a parallel
	// process's connection to the ginkgo CLI (measured: under -p the server suite needs one
	// more than serially), and one spare (a report file, the leak check's /proc/self/fd).
	GoAndGinkgo = 2
)

// loopbackWithin bounds each step of the loopback probe; over loopback each takes microseconds.
const loopbackWithin = 3 * time.Second

// Check runs every check and returns the failed ones, one per line.
func Check() error {
	var errs []error
	if err := sock.IPv4.ProbeLoopback(loopbackWithin); err != nil {
		errs = append(errs, err)
	}
	if err := Descriptors(); err != nil {
		errs = append(errs, err)
	}
	if err := TempDir(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Descriptors checks that RLIMIT_NOFILE leaves room for the descriptors open now, the
// largest spec and Ginkgo. (Go raises the soft limit to the hard one at start-up, so the
// limit that counts is the hard one: `ulimit -n` sets both.)
func Descriptors() error {
	open, err := fdtable.Self()
	if err != nil {
		return fmt.Errorf("counting this process's descriptors: %w", err)
	}
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return fmt.Errorf("getrlimit(RLIMIT_NOFILE): %w", err)
	}
	need := len(open) + SpecPeak + GoAndGinkgo
	if uint64(rl.Cur) < uint64(need) {
		return fmt.Errorf("needs %d descriptors, ulimit -n is %d (%d open at start-up, %d for the largest spec, %d for Ginkgo and the Go runtime); raise it with ulimit -n %d",
			need, uint64(rl.Cur), len(open), SpecPeak, GoAndGinkgo, need)
	}
	return nil
}

// TempDir checks that the temporary directory (TMPDIR, or /tmp) takes a new directory:
// specs make files and Unix-domain sockets there.
func TempDir() error {
	dir := os.TempDir()
	d, err := os.MkdirTemp(dir, "sockspec-preflight-")
	if err != nil {
		from := "the default"
		if os.Getenv("TMPDIR") != "" {
			from = "from TMPDIR"
		}
		return fmt.Errorf("the temporary directory %s (%s) is not usable: %w; point TMPDIR at a writable directory, or unset it", dir, from, err)
	}
	return os.Remove(d)
}
