package platform

import (
	"golang.org/x/sys/unix"
)

// detect tells gVisor from Linux by the kernel log. gVisor's syslog(2) lets any process read
// its log (pkg/sentry/syscalls/linux/sys_syslog.go: "Only the unprivileged commands are
// implemented"), and the log it makes always starts with the line "Starting gVisor..."
// (pkg/sentry/kernel/syslog.go, Log). syzkaller tells gVisor apart the same way
// (executor/executor_linux.h, detect_gvisor). /proc/version and uname(2) are no help:
// gVisor reports a Linux version of its choosing (4.4.0 under runsc 20221219). On Linux,
// reading the log may be refused (EPERM without CAP_SYSLOG when kernel.dmesg_restrict=1),
// and its first line is the kernel's own.
func detect() string {
	buf := make([]byte, 128)
	n, err := unix.Klogctl(unix.SYSLOG_ACTION_READ_ALL, buf)
	if err == nil && IsGVisorLog(buf[:n]) {
		return GVisor
	}
	return Linux
}
