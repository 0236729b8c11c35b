//go:build linux

package hosts

import (
	"os"
	"runtime"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// signalled runs fn on a thread of its own while another goroutine sends that thread
// SIGURG, the signal the Go runtime itself uses to preempt goroutines (its handler is
// installed with SA_RESTART, which poll(2) ignores), until fn returns.
func signalled(fn func()) {
	GinkgoHelper()
	tid := make(chan int)
	done := make(chan struct{})
	go func() {
		defer GinkgoRecover()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		defer close(done)
		fn()
	}()
	t := <-tid
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			Expect(unix.Tgkill(os.Getpid(), t, unix.SIGURG)).To(Succeed())
		}
	}
}

var _ = Describe("test hosts' waits when a signal comes", func() {
	var r, w int
	BeforeEach(func() {
		var p [2]int
		Expect(unix.Pipe2(p[:], unix.O_CLOEXEC)).To(Succeed())
		r, w = p[0], p[1]
		DeferCleanup(func() { unix.Close(r); unix.Close(w) })
	})

	It("poll(2) returns EINTR to a thread that gets a signal (the control: the signals do arrive)", func() {
		var err error
		signalled(func() {
			deadline := time.Now().Add(2 * time.Second)
			for err == nil && time.Now().Before(deadline) {
				_, err = unix.Poll([]unix.PollFd{{Fd: int32(r), Events: unix.POLLIN}}, 200)
			}
		})
		Expect(err).To(Equal(unix.EINTR))
	})

	It("a bounded wait lasts until its deadline through the signals, and then says nothing came", func() {
		start := time.Now()
		var ready bool
		var err error
		signalled(func() { ready, err = pollIn(r, start.Add(200*time.Millisecond)) })
		Expect(err).NotTo(HaveOccurred())
		Expect(ready).To(BeFalse())
		Expect(time.Since(start)).To(BeNumerically(">=", 200*time.Millisecond))
	})

	It("a bounded wait still sees what comes while signals arrive", func() {
		var ready bool
		var err error
		signalled(func() {
			go unix.Write(w, []byte("x"))
			ready, err = pollIn(r, time.Now().Add(2*time.Second))
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(ready).To(BeTrue())
	})

	It("opens a namespace file again when a signal interrupted the open", func() {
		needRoot()
		real := openNS
		DeferCleanup(func() { openNS = real })
		interrupted := map[string]bool{}
		openNS = func(path string) (int, error) {
			if !interrupted[path] {
				interrupted[path] = true
				return -1, unix.EINTR
			}
			return real(path)
		}
		n := New("A")
		Expect(n.Hosts[0].Do(func() error { return nil })).To(Succeed())
		var seen []string
		for p := range interrupted {
			seen = append(seen, p[strings.LastIndex(p, "/")+1:])
		}
		Expect(seen).To(ContainElements("net", "ipc"), "opens that got EINTR")
	})
})
