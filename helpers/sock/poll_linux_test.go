package sock

import (
	"os"
	"os/signal"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A signal that lands while poll(2) waits makes it fail with EINTR whatever SA_RESTART says
// (signal(7)); the Go runtime sends such signals itself to preempt threads. Poll restarts
// for the time left: it neither reports EINTR nor returns early.
func TestPollRestartsAfterEINTR(t *testing.T) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, unix.SIGUSR1)
	defer signal.Stop(sigs)

	const within = 300 * time.Millisecond
	tid := make(chan int)
	type result struct {
		revents int16
		err     error
		took    time.Duration
	}
	done := make(chan result)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		start := time.Now()
		revents, err := Poll(p[0], unix.POLLIN, within) // nothing is ever written
		done <- result{revents, err, time.Since(start)}
	}()
	thread := <-tid
	for {
		select {
		case r := <-done:
			if r.err != nil || r.revents != 0 || r.took < within {
				t.Fatalf("Poll = %#x, %v after %v; want nothing, no error, after the whole %v", r.revents, r.err, r.took, within)
			}
			if len(sigs) == 0 {
				t.Fatal("no signal reached the polling thread, so nothing was tested")
			}
			return
		case <-time.After(20 * time.Millisecond):
			unix.Tgkill(os.Getpid(), thread, unix.SIGUSR1)
		}
	}
}
