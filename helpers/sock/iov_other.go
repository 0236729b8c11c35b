//go:build !linux && !darwin

package sock

import (
	"errors"
	"fmt"
)

// Readv: golang.org/x/sys/unix offers readv on Linux and macOS only.
func (f *FD) Readv([][]byte) (int, error) {
	return 0, fmt.Errorf("readv is not in golang.org/x/sys/unix here: %w", errors.ErrUnsupported)
}

// Writev: golang.org/x/sys/unix offers writev on Linux and macOS only.
func (f *FD) Writev([][]byte) (int, error) {
	return 0, fmt.Errorf("writev is not in golang.org/x/sys/unix here: %w", errors.ErrUnsupported)
}
