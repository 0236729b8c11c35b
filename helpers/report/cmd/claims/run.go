package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/repo"
	"sockspec/helpers/report"
)

// What make conformance and make dist leave in the binaries' directory for each suite: its
// test binary, or the compiler's errors when it did not build.
const (
	binarySuffix  = ".test"
	compileErrors = ".compile-errors"
)

// run checks the run (prepare), then runs every suite's binary at once, each under its own
// ginkgo CLI in parallel processes, and merges the reports. The suites' output goes to the
// terminal and to <reports>/logs/ginkgo.log one suite after another, in the suites' order
// (inOrder), so the table can say why a suite that wrote no report did not run. A suite
// without a binary is named with the compile errors its build left (make conformance
// records them as <suite>.compile-errors), printed as the ginkgo CLI prints them.
//
// The suites run at once because most of a run is waiting (listen.backlog waits a second
// for a SYN retransmission), not computing: one after another, the run took the sum of
// the suites' times and of their start-ups.
//
// A SIGINT, SIGTERM or SIGHUP stops the run: it is passed on to every ginkgo CLI, which
// winds its suite down (cleanup, reports), and the table says the run was interrupted.
// Until the table is written, the claims file says the run has not finished, so the
// reports of a killed run do not pass for a finished one.
func (c *config) run(ginkgoFlags []string) error {
	// A runtime the run cannot use (RUNTIME=gvisor without root or runsc) stops it first.
	if _, err := underRuntime(nil); err != nil {
		return err
	}
	if err := c.prepare(ginkgoFlags); err != nil {
		return err
	}
	c.writeTable(fmt.Sprintf("**NOT FINISHED**: this run started at %s and has not finished: it is still running, or it was killed. The suites' reports in %s are partial.\n",
		time.Now().Format(time.RFC3339), c.p.SuiteReportDir(c.root)))
	if err := report.Mkdir(c.logDir()); err != nil {
		return err
	}
	log, err := os.Create(c.logFile())
	if err != nil {
		return err
	}
	defer log.Close()
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)

	out := newInOrder(io.MultiWriter(os.Stdout, log), len(c.suites))
	var started []*exec.Cmd
	var wg sync.WaitGroup
	for i, name := range c.suites {
		w := out.writer(i)
		bin := filepath.Join(c.bin, name+binarySuffix)
		if _, err := os.Stat(bin); err != nil {
			if errs, err := os.ReadFile(filepath.Join(c.bin, name+compileErrors)); err == nil {
				fmt.Fprintf(w, "Failed to compile %s:\n\n%s\n", name, errs) // as the ginkgo CLI says it
			} else {
				fmt.Fprintf(w, "%ssuite %s cannot run: its binary %s is missing (make conformance builds it)\n", report.StartupMarker, name, bin)
			}
			out.finish(i)
			continue
		}
		cmd, err := c.suiteCommand(ginkgoFlags, bin)
		if err != nil {
			fmt.Fprintf(w, "ginkgo run failed\n%v\n", err)
			out.finish(i)
			continue
		}
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Start(); err != nil {
			fmt.Fprintf(w, "ginkgo run failed\nstarting %s: %v\n", cmd, err)
			out.finish(i)
			continue
		}
		started = append(started, cmd)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd.Wait() // its exit status does not matter: the merge reads what the suite reported
			out.finish(i)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	interrupted := ""
wait:
	for {
		select {
		case <-done:
			break wait
		case sig := <-signals:
			// From a terminal the suites' processes got the signal too; each ginkgo CLI
			// gets it either way.
			if interrupted == "" {
				interrupted = signalName(sig)
			}
			for _, cmd := range started {
				cmd.Process.Signal(sig)
			}
		}
	}
	c.removeLeftovers()
	return c.merge(interrupted)
}

// suiteCommand is the one command that runs a suite: the ginkgo CLI on the suite's binary,
// in parallel processes (-p), with the run's ginkgo flags. The suite reads the data files
// from this run's root.
func (c *config) suiteCommand(ginkgoFlags []string, binary string) (*exec.Cmd, error) {
	argv := append([]string{filepath.Join(c.bin, "ginkgo"), "-p"}, ginkgoFlags...)
	if !verbosityGiven(ginkgoFlags) {
		argv = append(argv, "--succinct") // one line per suite, as ginkgo prints a run of several
	}
	argv, err := underRuntime(append(argv, binary)) // RUNTIME=gvisor: inside runsc
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.bin
	cmd.Env = append(os.Environ(), repo.EnvVar+"="+c.root)
	return cmd, nil
}

func signalName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok && unix.SignalName(s) != "" {
		return unix.SignalName(s)
	}
	return sig.String()
}
