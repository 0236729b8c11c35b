// Package platform names the kernel a run checks: "linux", "linux/gvisor", "darwin" or
// "freebsd". gVisor reimplements Linux's system calls and TCP/IP stack in user space, so Go
// says GOOS=linux inside it too; it is told apart at run time (detect_linux.go), and its
// expectations may differ from Linux's (fixtures/claims.yaml, key gvisor).
package platform

import (
	"bytes"
	"sync"
)

// The platforms a run can report.
const (
	Linux   = "linux"
	GVisor  = "linux/gvisor"
	Darwin  = "darwin"
	FreeBSD = "freebsd"
)

// Known lists every platform, in the order tables show them.
var Known = []string{Linux, GVisor, Darwin, FreeBSD}

var name = sync.OnceValue(func() string { return detect() })

// Name is the platform this process runs on, detected once.
func Name() string { return name() }

// OS is the GOOS of a platform: "linux" for "linux/gvisor".
func OS(p string) string {
	if p == GVisor {
		return Linux
	}
	return p
}

// IsGVisorLog tells whether a kernel log starts the way gVisor's does:
// "<6>[    0.000000] Starting gVisor...".
func IsGVisorLog(log []byte) bool {
	first, _, _ := bytes.Cut(log, []byte("\n"))
	_, msg, found := bytes.Cut(first, []byte("] "))
	return found && bytes.HasPrefix(first, []byte("<")) && bytes.Equal(msg, []byte("Starting gVisor..."))
}
