package matchers

import (
	"fmt"
	"time"

	"github.com/onsi/gomega/types"

	"sockspec/helpers/errno"
	"sockspec/helpers/poll"
)

// Connecting is a socket whose non-blocking connect was started (a *sock.Socket).
type Connecting interface{ Fd() int }

// CompleteWithin succeeds when the connect finishes successfully within d. It waits with a
// bounded poll and returns as soon as the kernel has answered.
func CompleteWithin(d time.Duration) types.GomegaMatcher {
	return &connectMatcher{within: d, wantDone: true}
}

// StayInProgressFor succeeds when the connect is still in progress after d: the kernel has
// neither completed nor refused it (for example, its SYN was dropped by a full queue).
func StayInProgressFor(d time.Duration) types.GomegaMatcher {
	return &connectMatcher{within: d}
}

type connectMatcher struct {
	within   time.Duration
	wantDone bool
	// await waits for the connect (poll.AwaitConnect; a test may stand in for the kernel).
	await func(fd int, within time.Duration) (done bool, err error)

	done    bool
	err     error
	elapsed time.Duration
}

func (m *connectMatcher) Match(actual any) (bool, error) {
	c, ok := actual.(Connecting)
	if !ok {
		return false, fmt.Errorf("connect matchers expect a socket with Fd(), got %T", actual)
	}
	await := m.await
	if await == nil {
		await = poll.AwaitConnect
	}
	start := time.Now()
	m.done, m.err = await(c.Fd(), m.within)
	m.elapsed = time.Since(start).Round(time.Millisecond)
	if m.wantDone {
		return m.done && m.err == nil, nil
	}
	return !m.done && m.err == nil, nil
}

func (m *connectMatcher) outcome() string {
	switch {
	case !m.done && m.err != nil:
		return "polling it failed with " + errno.Describe(m.err)
	case !m.done:
		return fmt.Sprintf("it was still in progress after %v", m.within)
	case m.err != nil:
		return fmt.Sprintf("it failed after %v with %s", m.elapsed, errno.Describe(m.err))
	default:
		return fmt.Sprintf("it completed after %v", m.elapsed)
	}
}

func (m *connectMatcher) FailureMessage(actual any) string {
	if m.wantDone {
		return fmt.Sprintf("expected the connect of %v to complete within %v, but %s", actual, m.within, m.outcome())
	}
	return fmt.Sprintf("expected the connect of %v to stay in progress for %v, but %s", actual, m.within, m.outcome())
}

func (m *connectMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("expected the opposite for the connect of %v, but %s", actual, m.outcome())
}
