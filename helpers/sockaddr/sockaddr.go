// Package sockaddr converts between x/sys socket addresses and net/netip values, which
// print the way students read them: 127.0.0.1:41231, [::1]:41231.
package sockaddr

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// From converts an AddrPort to the sockaddr bind and connect take.
func From(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// To converts an IPv4 or IPv6 sockaddr to an AddrPort; ok is false for other families.
func To(sa unix.Sockaddr) (ap netip.AddrPort, ok bool) {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)), true
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port)), true
	}
	return netip.AddrPort{}, false
}

// String prints any sockaddr: an IP address and port, or a Unix-domain path.
func String(sa unix.Sockaddr) string {
	if ap, ok := To(sa); ok {
		return ap.String()
	}
	if u, ok := sa.(*unix.SockaddrUnix); ok {
		if u.Name == "" {
			return "(unnamed)"
		}
		return u.Name
	}
	return "(none)"
}
