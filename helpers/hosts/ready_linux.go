//go:build linux

package hosts

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// readyWithin bounds the wait for a new segment to carry frames; the kernel gets there in
// milliseconds.
const readyWithin = 5 * time.Second

const recheck = 10 * time.Millisecond

// awaitForwarding returns once the segment carries frames between every pair of hosts.
// A bridge port does not forward when it is set up: the kernel enables it only once its
// carrier change has gone through the link-watch work queue, and until then it drops every
// frame, so a first ARP request or neighbour solicitation would be lost and retried only a
// second later. sw and hosts are the netlink sockets in the switch and in each host.
func (n *Network) awaitForwarding(sw *rtnl, hosts []*rtnl, deadline time.Time) error {
	if err := sw.until(deadline, func() (string, error) { return n.portsPending(sw) }); err != nil {
		return fmt.Errorf("waiting for the bridge to forward: %w", err)
	}
	for i, h := range n.Hosts {
		if err := hosts[i].until(deadline, func() (string, error) { return h.pending(hosts[i]) }); err != nil {
			return fmt.Errorf("waiting for host %s: %w", h.Name, err)
		}
	}
	return nil
}

// portsPending says which ports of the bridge do not forward yet ("" when all do).
func (n *Network) portsPending(sw *rtnl) (string, error) {
	ls, err := sw.links(unix.AF_BRIDGE)
	if err != nil {
		return "", err
	}
	ports := map[string]link{}
	for _, l := range ls {
		if l.port {
			ports[l.name] = l
		}
	}
	var pending []string
	for _, h := range n.Hosts {
		name := portName(h.Name)
		p, ok := ports[name]
		switch {
		case !ok:
			pending = append(pending, name+" is not a port of the bridge")
		case p.portState != brStateForwarding:
			pending = append(pending, fmt.Sprintf("%s is %s", name, portStateName(p.portState)))
		}
	}
	return strings.Join(pending, ", "), nil
}

// pending says what keeps the host from sending or receiving on the segment ("" when
// nothing does): its eth0 not up yet, or its IPv6 address not in use yet. The kernel takes
// a NODAD address into use from a work queue: it joins the address's solicited-node group
// (without which a neighbour solicitation for it is dropped) and adds its local route
// (without which a packet to it is not delivered) a moment after the address is added.
func (h *Host) pending(c *rtnl) (string, error) {
	ls, err := c.links(unix.AF_UNSPEC)
	if err != nil {
		return "", err
	}
	eth0 := -1
	for _, l := range ls {
		if l.name == "eth0" {
			eth0 = l.index
			if l.operstate != ifOperUp {
				return fmt.Sprintf("eth0 is %s", operStateName(l.operstate)), nil
			}
		}
	}
	if eth0 < 0 {
		return "", errors.New("the host has no eth0")
	}
	if h.noIPv6 != nil {
		return "", nil
	}
	as, err := c.addrs(unix.AF_INET6)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(as, func(a ifaddr) bool {
		return a.index == eth0 && a.addr == h.IPv6 && a.flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) == 0
	}) {
		return fmt.Sprintf("%s is not a usable address of eth0 yet", h.IPv6), nil
	}
	gs, err := c.groups()
	if err != nil {
		return "", err
	}
	if g := solicitedNode(h.IPv6); !slices.Contains(gs, ifaddr{index: eth0, addr: g}) {
		return fmt.Sprintf("eth0 has not joined %s, the solicited-node group of %s", g, h.IPv6), nil
	}
	local, err := c.localRoutes()
	if err != nil {
		return "", err
	}
	if !slices.Contains(local, h.IPv6) {
		return fmt.Sprintf("%s has no local route yet", h.IPv6), nil
	}
	return "", nil
}

// until checks pending until it reports nothing, until deadline. Between checks it sleeps
// until the namespace announces a change, and at most recheck, in case this kernel does
// not announce the change awaited.
func (c *rtnl) until(deadline time.Time, pending func() (string, error)) error {
	for {
		c.changed = false
		what, err := pending()
		if errors.Is(err, errDumpInterrupted) {
			what, err, c.changed = "listing again", nil, true
		}
		if err != nil {
			return err
		}
		if what == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still %s after %v", what, readyWithin)
		}
		if !c.changed { // else a change arrived while reading: read again at once
			wake := time.Now().Add(recheck)
			if wake.After(deadline) {
				wake = deadline
			}
			if err := c.awaitChange(wake); err != nil {
				return err
			}
		}
	}
}

func portStateName(s uint8) string {
	names := []string{"disabled", "listening", "learning", "forwarding", "blocking"}
	if int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("in state %d", s)
}

func operStateName(s uint8) string {
	names := []string{"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"}
	if int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("in operstate %d", s)
}
