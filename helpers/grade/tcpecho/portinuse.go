package tcpecho

import (
	"errors"
	"net/netip"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade"
	"sockspec/helpers/grade/rubric"
)

var portInUse = grade.CheckDef{
	ID:    "port-in-use",
	Title: "a taken port is an error, not a silent success",
	Expect: "While the grader holds PORT with its own listener, your server exits within `within` with a non-zero " +
		"status (not killed by a signal) and prints why on stderr.",
	Params: []rubric.ParamSpec{{Name: "within", Kind: rubric.Duration, Default: "3s", Doc: "how long the server may take to give up"}},
	Run: func(c *grade.Ctx) error {
		// The IPv4 wildcard takes the port from IPv4 and dual-stack servers; a v6only
		// listener on [::] takes it from IPv6-only ones (where IPv6 exists).
		if err := c.Hold(netip.AddrPortFrom(netip.IPv4Unspecified(), c.Port)); err != nil {
			return err
		}
		if err := c.Hold(netip.AddrPortFrom(netip.IPv6Unspecified(), c.Port)); err != nil &&
			!errors.Is(err, unix.EAFNOSUPPORT) && !errors.Is(err, unix.EADDRNOTAVAIL) {
			return err
		}
		inst, err := c.Start()
		if err != nil {
			return err
		}
		started := time.Now()
		select {
		case <-inst.Done():
		case <-time.After(c.Duration("within")):
			f := grade.Failf("with port %d already taken, your server was still running %s after it started.", c.Port, c.Duration("within"))
			if snap, err := c.Snapshot(); err == nil {
				if l := snap.Listeners(); len(l) > 0 {
					f.Saw += " It listened on " + l[0].TCP.Local.String() + " instead: bind() failed with EADDRINUSE, the error was ignored, and listen() bound a port the kernel picked."
				}
				c.ShowView(snap)
			}
			return f.WithHint("Check what bind() returns: when it fails, print why (perror(\"bind\")) and exit(1).")
		}
		took := grade.Dur(time.Since(started))
		e := inst.Exit()
		c.SettleOutput(inst) // its last words, if any are still on the way
		last := grade.LastLines(inst.Stderr().String(), 2)
		if _, signaled := e.Signaled(); signaled {
			return c.Ended(inst, "with port "+strconv.Itoa(int(c.Port))+" taken, instead of exiting with an error")
		}
		if e.Code == 0 {
			f := grade.Failf("with port %d taken, your server %s, which says it succeeded.", c.Port, e)
			if !c.Gone() {
				f.Saw += " A process it started was still running: it went into the background before it knew whether bind() worked."
			}
			return f.WithHint("When bind() fails, exit with a non-zero status: exit(1).")
		}
		if inst.Stderr().Total() == 0 {
			return grade.Failf("with port %d taken, your server %s but printed nothing on stderr.", c.Port, e).
				WithHint("Say why on stderr before exiting: perror(\"bind\") prints \"bind: Address already in use\".")
		}
		c.Note("with port %d taken, your server %s after %s and printed %q on stderr", c.Port, e, took, last)
		return nil
	},
}
