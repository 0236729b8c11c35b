package poll

import (
	"os"
	"os/signal"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitSignalled runs Wait on a thread of its own while SIGUSR1 is sent to that thread every
// 2 ms, and fails the test if no signal arrived (then nothing was tested). A signal that
// lands while poll(2) waits makes it fail with EINTR whatever SA_RESTART says (signal(7)).
func waitSignalled(t *testing.T, fd int, within time.Duration) (int16, error, time.Duration) {
	t.Helper()
	sigs := make(chan os.Signal, 1024)
	signal.Notify(sigs, unix.SIGUSR1)
	defer signal.Stop(sigs)
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
		revents, err := Wait(fd, unix.POLLIN, within)
		done <- result{revents, err, time.Since(start)}
	}()
	thread := <-tid
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			if len(sigs) == 0 {
				t.Fatal("no signal reached the polling thread, so nothing was tested")
			}
			return r.revents, r.err, r.took
		case <-tick.C:
			unix.Tgkill(os.Getpid(), thread, unix.SIGUSR1)
		}
	}
}

func pipe(t *testing.T) (r, w int) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// Through the signals Wait neither reports EINTR nor returns early.
func TestWaitRestartsAfterEINTR(t *testing.T) {
	r, _ := pipe(t)
	const within = 300 * time.Millisecond
	revents, err, took := waitSignalled(t, r, within) // nothing is ever written
	if err != nil || revents != 0 || took < within {
		t.Fatalf("Wait = %#x, %v after %v; want nothing, no error, after the whole %v", revents, err, took, within)
	}
}

// Through the signals Wait still sees what comes.
func TestWaitSeesDataBetweenSignals(t *testing.T) {
	r, w := pipe(t)
	go func() {
		time.AfterFunc(50*time.Millisecond, func() { unix.Write(w, []byte("x")) })
	}()
	revents, err, took := waitSignalled(t, r, 2*time.Second)
	if err != nil || revents&unix.POLLIN == 0 || took >= 2*time.Second {
		t.Fatalf("Wait = %#x, %v after %v; want POLLIN once the byte was written", revents, err, took)
	}
}
