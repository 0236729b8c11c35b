// Package matchers holds Gomega matchers that speak a student's language: errno names,
// not numbers, and whether a connect completed or is still waiting.
package matchers

import (
	"errors"
	"fmt"
	"os"

	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
)

// FailWithErrno succeeds when actual is an error carrying exactly the errno want:
//
//	_, err := unix.Seek(fd, 0, io.SeekStart)
//	Expect(err).To(FailWithErrno(unix.ESPIPE), "lseek on a TCP socket")
func FailWithErrno(want unix.Errno) types.GomegaMatcher { return &errnoMatcher{want: want} }

// SucceedSyscall succeeds when actual is a nil error; on failure it names the errno.
func SucceedSyscall() types.GomegaMatcher { return &errnoMatcher{} }

type errnoMatcher struct{ want unix.Errno }

func (m *errnoMatcher) Match(actual any) (bool, error) {
	err, ok := actual.(error)
	if actual != nil && !ok {
		return false, fmt.Errorf("errno matchers expect an error, got %T; use Expect(f()).Error() for calls that return values too", actual)
	}
	if m.want == 0 {
		return err == nil, nil
	}
	got, ok := errno.Of(err)
	return ok && got == m.want, nil
}

func (m *errnoMatcher) FailureMessage(actual any) string {
	err, _ := actual.(error)
	if m.want == 0 {
		return fmt.Sprintf("expected %s to succeed, but the kernel returned %s", call(err), errno.Describe(err))
	}
	if err == nil {
		return fmt.Sprintf("expected the call to fail with %s, but it succeeded", errno.Describe(m.want))
	}
	return fmt.Sprintf("expected %s to fail with %s, but the kernel returned %s", call(err), errno.Describe(m.want), errno.Describe(err))
}

func (m *errnoMatcher) NegatedFailureMessage(actual any) string {
	err, _ := actual.(error)
	if m.want == 0 {
		return "expected the call to fail, but it succeeded"
	}
	return fmt.Sprintf("expected %s not to fail with %s, but it did", call(err), errno.Describe(m.want))
}

// call names the system call inside err when the helpers wrapped it ("lseek").
func call(err error) string {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Syscall
	}
	return "the call"
}
