package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/report"
)

// run checks the run (prepare), then runs every suite with `go tool ginkgo -r -p
// --keep-going`, its output going to the terminal and to <reports>/logs/ginkgo.log (so the
// table can say why a suite that wrote no report did not run), and merges the reports.
//
// A SIGINT, SIGTERM or SIGHUP stops the run: it is passed on to ginkgo, which winds the
// running suite down (cleanup, reports) and starts no other, and the table says the run was
// interrupted. Until the table is written, the claims file says the run has not finished,
// so the reports of a killed run do not pass for a finished one.
func (c *config) run(ginkgoFlags []string) error {
	argv, err := underRuntime(append(append([]string{"go", "tool", "ginkgo", "-r", "-p", "--keep-going"}, ginkgoFlags...), "./suites"))
	if err != nil {
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

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.root
	cmd.Stdout, cmd.Stderr = io.MultiWriter(os.Stdout, log), io.MultiWriter(os.Stderr, log)
	interrupted := ""
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(log, "ginkgo run failed\nstarting %v: %v\n", argv, err)
	} else {
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
	wait:
		for {
			select {
			case <-done:
				break wait
			case sig := <-signals:
				// From a terminal the suites' processes got the signal too; `go tool` passes
				// it on to the ginkgo CLI either way. Its exit status does not matter here:
				// the merge reads what each suite reported.
				if interrupted == "" {
					interrupted = signalName(sig)
				}
				cmd.Process.Signal(sig)
			}
		}
	}
	c.removeLeftovers()
	return c.merge(interrupted)
}

func signalName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok && unix.SignalName(s) != "" {
		return unix.SignalName(s)
	}
	return sig.String()
}
