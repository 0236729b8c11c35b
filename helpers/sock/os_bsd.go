//go:build darwin || freebsd

package sock

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Protocol: SO_PROTOCOL is Linux only.
func (s *Socket) Protocol() (int, error) {
	return 0, fmt.Errorf("SO_PROTOCOL is Linux only: %w", errors.ErrUnsupported)
}

// Domain: SO_DOMAIN is Linux only.
func (s *Socket) Domain() (int, error) {
	return 0, fmt.Errorf("SO_DOMAIN is Linux only: %w", errors.ErrUnsupported)
}

// EphemeralRange is the live range the kernel picks ports from for bind(port 0).
func EphemeralRange() (lo, hi int, source string, err error) {
	source = "sysctl net.inet.ip.portrange.first/last"
	first, err := unix.SysctlUint32("net.inet.ip.portrange.first")
	if err != nil {
		return 0, 0, source, err
	}
	last, err := unix.SysctlUint32("net.inet.ip.portrange.last")
	return int(first), int(last), source, err
}
