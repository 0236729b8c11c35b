package sock

import (
	"fmt"
	"os"
)

// EphemeralRange is the live range the kernel picks ports from for bind(port 0).
func EphemeralRange() (lo, hi int, source string, err error) {
	const path = "/proc/sys/net/ipv4/ip_local_port_range"
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, path, err
	}
	_, err = fmt.Sscan(string(b), &lo, &hi)
	return lo, hi, path, err
}

// Somaxconn is the kernel's limit on a listen queue (net.core.somaxconn), which listen()
// applies to a larger backlog.
func Somaxconn() (n int, source string, err error) {
	const path = "/proc/sys/net/core/somaxconn"
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, path, err
	}
	_, err = fmt.Sscan(string(b), &n)
	return n, path, err
}
