//go:build !linux

package observe

import "errors"

// Take needs Linux's /proc.
func Take(pids []int, netPID int) (Snapshot, error) {
	return Snapshot{}, errors.New("observing a target needs Linux's /proc")
}
