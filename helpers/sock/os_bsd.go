//go:build darwin || freebsd

package sock

import "golang.org/x/sys/unix"

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

// Somaxconn is the kernel's limit on a listen queue, which listen() applies to a backlog
// out of range (macOS also to a backlog of 0: XNU bsd/kern/uipc_socket.c solisten).
func Somaxconn() (n int, source string, err error) {
	source = "sysctl kern.ipc.somaxconn"
	v, err := unix.SysctlUint32("kern.ipc.somaxconn")
	return int(v), source, err
}
