//go:build !linux

package hosts

import (
	"fmt"
	"net/netip"
	"runtime"

	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
)

type nsFiles struct{}

const onlyLinux = "Linux only: test hosts are Linux network namespaces"

// New skips the spec: there are no network namespaces on this OS.
func New(names ...string) *Network {
	skip.Because(skip.OtherOS, "%s (this is %s)", onlyLinux, runtime.GOOS)
	return nil
}

// Do is never reached on this OS: New skipped the spec.
func (h *Host) Do(fn func() error) error { return fmt.Errorf("%s", onlyLinux) }

// Socket is never reached on this OS: New skipped the spec.
func (h *Host) Socket(f sock.Family, typ int) *sock.Socket {
	skip.Because(skip.OtherOS, "%s", onlyLinux)
	return nil
}

// Holders has nothing to look for on this OS.
func Holders(pid string, ids []uint64) ([]string, error) { return nil, nil }

// Listener is never reached on this OS: New skipped the spec.
func (h *Host) Listener(f sock.Family, ap netip.AddrPort, backlog int) *sock.Socket {
	skip.Because(skip.OtherOS, "%s", onlyLinux)
	return nil
}
