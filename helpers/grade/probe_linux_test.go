package grade

import (
	"errors"
	"net/netip"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/grade/sandbox"
	"sockspec/helpers/grade/wait"
)

// The port a check gets is free the moment freePort returns, even while other checks'
// boxes are being started. A box's init forked while the probe socket is open would hold
// a copy of it until its exec, and the target's bind of the port (or the grader's own, in
// port-in-use) would fail with EADDRINUSE: a wrong score, or a grader error. Here a box is
// started while the probe is open; its init must not be forked before the probe is closed.
func TestProbeIsNeverForked(t *testing.T) {
	cfg := sandbox.Config{Isolate: os.Geteuid() == 0, Dir: "/", Tail: 1}
	b, err := sandbox.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	type started struct {
		box *sandbox.Box
		err error
	}
	other := make(chan started, 1)
	var forkedMeanwhile bool
	testHookProbe = func() {
		before := len(sandbox.Descendants(os.Getpid()))
		go func() {
			ob, err := sandbox.Start(cfg)
			other <- started{ob, err}
		}()
		// The new box's init shows up below this process as soon as it is forked.
		forkedMeanwhile = wait.Until(500*time.Millisecond, func() bool { return len(sandbox.Descendants(os.Getpid())) > before })
	}
	defer func() { testHookProbe = nil }()
	port, err := freePort(b)
	if err != nil {
		t.Fatal(err)
	}
	if forkedMeanwhile {
		t.Error("a box's init was forked while freePort's probe was open: until its exec it holds the probe, and with it the port")
	}
	// The port is free at once: the grader's own listener takes it, in both families.
	c := &Ctx{box: b, Port: port}
	defer c.release()
	if err := c.Hold(netip.AddrPortFrom(netip.IPv4Unspecified(), port)); err != nil {
		t.Errorf("port %d right after freePort: %v", port, err)
	}
	if err := c.Hold(netip.AddrPortFrom(netip.IPv6Unspecified(), port)); err != nil && !errors.Is(err, unix.EAFNOSUPPORT) && !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("port %d (IPv6) right after freePort: %v", port, err)
	}
	o := <-other
	if o.err != nil {
		t.Fatal(o.err)
	}
	if err := o.box.Close(); err != nil {
		t.Error(err)
	}
}
