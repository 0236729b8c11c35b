// Package hosts makes test hosts on one Linux machine, for the tutorial's claims about
// different computers. A host is a network namespace (its own loopback, interfaces,
// addresses, routes and port space) together with an IPC namespace (its own SysV message
// queues and shared memory). The hosts of a Network sit on one Ethernet segment: each has
// an eth0, one end of a veth pair whose other end is a port of a bridge in a namespace of
// its own, so no part of the network is ever in the machine's own namespace.
//
// The namespaces have no name (nothing under /run/netns, nothing in `ip netns list`): they
// live only while this process holds a descriptor for them, a socket in them, or a thread
// inside them. DeferCleanup closes all of those; if the process is killed instead, the
// kernel frees the namespaces with it, and their veth pairs and bridge go with them.
//
// Addresses come from the documentation ranges (RFC 5737, RFC 3849): host i (from 1) is
// 192.0.2.i/24 and 2001:db8::i/64. No host has a route beyond that segment, so nothing a
// spec sends can leave the namespaces. New returns only once the segment carries frames:
// every port of the bridge forwarding, every eth0 up, every IPv6 address usable.
//
// A machine that cannot make hosts (not root, a kernel without network or IPC namespaces,
// bridges or veth pairs) skips the spec with the reason (helpers/skip); so does an IPv6
// spec on hosts without IPv6, while the IPv4 specs run.
package hosts

import (
	"fmt"
	"net/netip"
	"regexp"
	"sync"

	. "github.com/onsi/ginkgo/v2"

	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
)

// Subnets of the test segment.
var (
	IPv4Net = netip.MustParsePrefix("192.0.2.0/24")
	IPv6Net = netip.MustParsePrefix("2001:db8::/64")
)

// Host is one test host.
type Host struct {
	Name string
	IPv4 netip.Addr
	IPv6 netip.Addr
	// NetNS and IPCNS identify the host's namespaces (the inode numbers that
	// /proc/PID/ns/net and /proc/PID/ns/ipc show), for evidence and cleanup checks.
	NetNS, IPCNS uint64

	ns     nsFiles
	noIPv6 *unavailable // why the host has no IPv6 address, if it has none
}

// Network is a set of hosts on one segment.
type Network struct {
	Hosts []*Host
	// SwitchNS is the namespace that holds the bridge.
	SwitchNS uint64

	sw     nsFiles
	mu     sync.Mutex // guards held and closed: a spec's cleanup may run while New is still at work
	held   []nsFiles  // every namespace descriptor made, released by close
	closed bool
}

// Addr is the host's address in family f. A spec that asks for IPv6 on a host without it
// is skipped with the reason; only that spec: the host's IPv4 works as before.
func (h *Host) Addr(f sock.Family) netip.Addr {
	GinkgoHelper()
	if f.Domain == sock.IPv6.Domain {
		if h.noIPv6 != nil {
			skip.Because(h.noIPv6.reason, "host %s has no IPv6 address: %s", h.Name, describe(h.noIPv6))
		}
		return h.IPv6
	}
	return h.IPv4
}

func (h *Host) String() string {
	return fmt.Sprintf("host %s (%s, %s; net ns %d)", h.Name, h.IPv4, h.IPv6, h.NetNS)
}

// Namespaces lists the inode numbers of every namespace the network made.
func (n *Network) Namespaces() []uint64 {
	ids := []uint64{n.SwitchNS}
	for _, h := range n.Hosts {
		ids = append(ids, h.NetNS, h.IPCNS)
	}
	return ids
}

// A host's name becomes part of an interface name (at most 15 bytes), so keep it short.
var validName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,7}$`)

func checkNames(names []string) error {
	if len(names) == 0 || len(names) > 250 {
		return fmt.Errorf("hosts.New: want 1 to 250 hosts, got %d", len(names))
	}
	seen := map[string]bool{}
	for _, name := range names {
		if !validName.MatchString(name) {
			return fmt.Errorf("hosts.New: host name %q must be a letter and at most 7 more letters or digits", name)
		}
		if seen[name] {
			return fmt.Errorf("hosts.New: host name %q given twice", name)
		}
		seen[name] = true
	}
	return nil
}

// addrs gives host i (from 0) its addresses on the segment.
func addrs(i int) (v4, v6 netip.Addr) {
	b4 := IPv4Net.Addr().As4()
	b4[3] = byte(i + 1)
	b6 := IPv6Net.Addr().As16()
	b6[15] = byte(i + 1)
	return netip.AddrFrom4(b4), netip.AddrFrom16(b6)
}

// solicitedNode is the multicast group a to which neighbour solicitations for a are sent
// (RFC 4291 2.7.1): ff02::1:ff00:0/104 and the low 24 bits of a.
func solicitedNode(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom16([16]byte{0xff, 0x02, 10: 0, 11: 0x01, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]})
}
