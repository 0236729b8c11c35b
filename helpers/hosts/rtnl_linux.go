//go:build linux

package hosts

// A small rtnetlink client: only what building and watching the test segment needs. Its
// socket is one plain descriptor, with nothing opened behind its back (no Go runtime
// poller, no helper descriptors), so every error path can release exactly what it opened;
// every wait is a bounded poll(2) that a signal cannot cut short.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"sockspec/helpers/poll"
)

// answerWithin bounds the wait for the kernel's answer to one request; it answers at once.
const answerWithin = 5 * time.Second

// Constants of the kernel's uapi that x/sys does not name.
const (
	vethInfoPeer      = 1                                                     // VETH_INFO_PEER
	brStateForwarding = 3                                                     // BR_STATE_FORWARDING
	ifOperUp          = 6                                                     // IF_OPER_UP
	nlaTypeMask       = ^uint16(unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER) // NLA_TYPE_MASK
)

var native = binary.NativeEndian

// errDumpInterrupted: the namespace changed while the kernel was listing it; list again.
var errDumpInterrupted = errors.New("netlink dump interrupted by a change (NLM_F_DUMP_INTR)")

// rtnl is a NETLINK_ROUTE socket in one network namespace, subscribed to that namespace's
// link, IPv6 address and IPv6 route changes, so that a wait can sleep until something
// changes.
type rtnl struct {
	fd      int
	seq     uint32
	changed bool // a change notification arrived since it was last cleared
	buf     []byte
}

// dialRTNL opens an rtnetlink socket inside the network namespace ns (a descriptor).
func dialRTNL(ns int) (*rtnl, error) {
	fd := -1
	err := onThread(func() error {
		if err := unix.Setns(ns, unix.CLONE_NEWNET); err != nil {
			return os.NewSyscallError("setns", err)
		}
		var err error
		fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
		return os.NewSyscallError("socket(AF_NETLINK)", err)
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("opening a netlink socket: %w", err)
	}
	c := &rtnl{fd: fd, buf: make([]byte, 1<<16)}
	// Errors come with the kernel's own words ("IPv6 is disabled on this device"), and
	// without the echo of the request.
	err = errors.Join(
		os.NewSyscallError("setsockopt(NETLINK_EXT_ACK)", unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)),
		os.NewSyscallError("setsockopt(NETLINK_CAP_ACK)", unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1)),
		os.NewSyscallError("bind(AF_NETLINK)", unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: unix.RTMGRP_LINK | unix.RTMGRP_IPV6_IFADDR | unix.RTMGRP_IPV6_ROUTE})))
	if err != nil {
		c.close()
		return nil, fmt.Errorf("opening a netlink socket: %w", err)
	}
	return c, nil
}

func (c *rtnl) close() {
	if c != nil && c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// message is one netlink message received.
type message struct {
	typ, flags uint16
	seq        uint32
	data       []byte
}

// do sends one request (a header of type typ with flags, then body) and returns the
// messages of its answer: for a dump every message up to NLMSG_DONE, otherwise none once
// the kernel acknowledged it. A change notification read on the way sets c.changed.
func (c *rtnl) do(typ, flags uint16, body []byte) ([]message, error) {
	c.seq++
	req := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	req = append(req, body...)
	native.PutUint32(req[0:], uint32(len(req)))
	native.PutUint16(req[4:], typ)
	native.PutUint16(req[6:], unix.NLM_F_REQUEST|flags)
	native.PutUint32(req[8:], c.seq)
	// The kernel handles the request within sendto(2), which does not sleep on this
	// non-blocking socket; EINTR is retried all the same.
	if _, err := ignoringEINTR(func() (int, error) {
		return 0, unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
	}); err != nil {
		return nil, os.NewSyscallError("sendto(netlink)", err)
	}
	deadline := time.Now().Add(answerWithin)
	var answer []message
	interrupted := false
	for {
		msgs, ok, err := c.receive(deadline)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("the kernel did not answer a netlink request within %v", answerWithin)
		}
		for _, m := range msgs {
			// A notification may carry this request's sequence number (it is the
			// request's own effect), but never NLM_F_MULTI, ERROR or DONE.
			reply := m.seq == c.seq && (m.typ == unix.NLMSG_ERROR || m.typ == unix.NLMSG_DONE || m.flags&unix.NLM_F_MULTI != 0)
			if !reply {
				c.changed = true
				continue
			}
			interrupted = interrupted || m.flags&unix.NLM_F_DUMP_INTR != 0
			switch m.typ {
			case unix.NLMSG_ERROR:
				if err := ackError(m); err != nil {
					return nil, err
				}
				return answer, nil
			case unix.NLMSG_DONE:
				if len(m.data) >= 4 {
					if err := ackError(m); err != nil {
						return nil, err // the dump failed part way
					}
				}
				if interrupted {
					return nil, errDumpInterrupted
				}
				return answer, nil
			default:
				answer = append(answer, m)
			}
		}
	}
}

// receive reads what the socket holds, waiting for it until deadline (ok false: nothing came).
func (c *rtnl) receive(deadline time.Time) (msgs []message, ok bool, err error) {
	for {
		n, _, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_DONTWAIT)
		switch {
		case err == nil:
			// A copy: the buffer is read into again while these messages are still in use.
			msgs, err := split(append([]byte(nil), c.buf[:n]...))
			return msgs, true, err
		case err == unix.ENOBUFS:
			c.changed = true // notifications were lost: something changed
		case err == unix.EAGAIN || err == unix.EINTR:
			ready, err := pollIn(c.fd, deadline)
			if err != nil || !ready {
				return nil, false, err
			}
		default:
			return nil, false, os.NewSyscallError("recvfrom(netlink)", err)
		}
	}
}

// awaitChange waits until a change notification comes or until passes, and reads every
// message queued.
func (c *rtnl) awaitChange(until time.Time) error {
	if ok, err := pollIn(c.fd, until); err != nil || !ok {
		return err
	}
	for {
		_, _, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_DONTWAIT)
		if err == unix.EAGAIN {
			return nil
		}
		if err != nil && err != unix.ENOBUFS && err != unix.EINTR {
			return os.NewSyscallError("recvfrom(netlink)", err)
		}
	}
}

// pollIn waits until fd is readable or deadline passes.
func pollIn(fd int, deadline time.Time) (bool, error) {
	revents, err := poll.Wait(fd, unix.POLLIN, time.Until(deadline))
	return revents != 0, err
}

func split(b []byte) ([]message, error) {
	var msgs []message
	for len(b) >= unix.SizeofNlMsghdr {
		l := int(native.Uint32(b))
		if l < unix.SizeofNlMsghdr || l > len(b) {
			return nil, fmt.Errorf("malformed netlink message (length %d of %d bytes)", l, len(b))
		}
		msgs = append(msgs, message{typ: native.Uint16(b[4:]), flags: native.Uint16(b[6:]), seq: native.Uint32(b[8:]), data: b[unix.SizeofNlMsghdr:l]})
		b = b[min(align(l), len(b)):]
	}
	return msgs, nil
}

// ackError is the error an NLMSG_ERROR carries (nil for an acknowledgement), with the
// kernel's extended message when it gave one.
func ackError(m message) error {
	if len(m.data) < 4 {
		return errors.New("malformed netlink error message")
	}
	code := int32(native.Uint32(m.data))
	if code == 0 {
		return nil
	}
	err := error(unix.Errno(-code))
	if m.flags&unix.NLM_F_ACK_TLVS != 0 && len(m.data) >= unix.SizeofNlMsgerr {
		if msg, ok := attrs(m.data[unix.SizeofNlMsgerr:])[unix.NLMSGERR_ATTR_MSG]; ok {
			err = fmt.Errorf("%w (the kernel: %q)", err, cstring(msg))
		}
	}
	return err
}

// Requests.

// addLink creates a link named name of kind ("bridge", "veth"), with kind-specific data.
func (c *rtnl) addLink(name, kind string, data []byte) error {
	info := attr(unix.IFLA_INFO_KIND, []byte(kind))
	if data != nil {
		info = append(info, nested(unix.IFLA_INFO_DATA, data)...)
	}
	body := append(ifinfomsg(unix.AF_UNSPEC, 0, 0, 0), strAttr(unix.IFLA_IFNAME, name)...)
	body = append(body, nested(unix.IFLA_LINKINFO, info)...)
	_, err := c.do(unix.RTM_NEWLINK, unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL, body)
	return err
}

// vethPeer is a veth's data: its peer is named peer and made in the namespace ns.
func vethPeer(peer string, ns int) []byte {
	p := append(ifinfomsg(unix.AF_UNSPEC, 0, 0, 0), strAttr(unix.IFLA_IFNAME, peer)...)
	p = append(p, u32Attr(unix.IFLA_NET_NS_FD, uint32(ns))...)
	return nested(vethInfoPeer, p)
}

// setUp sets the link named name up.
func (c *rtnl) setUp(name string) error {
	body := append(ifinfomsg(unix.AF_UNSPEC, 0, unix.IFF_UP, unix.IFF_UP), strAttr(unix.IFLA_IFNAME, name)...)
	_, err := c.do(unix.RTM_SETLINK, unix.NLM_F_ACK, body)
	return err
}

// setMaster makes the link named name a port of the bridge with index master.
func (c *rtnl) setMaster(name string, master int) error {
	body := append(ifinfomsg(unix.AF_UNSPEC, 0, 0, 0), strAttr(unix.IFLA_IFNAME, name)...)
	body = append(body, u32Attr(unix.IFLA_MASTER, uint32(master))...)
	_, err := c.do(unix.RTM_SETLINK, unix.NLM_F_ACK, body)
	return err
}

// addAddr gives the link with index idx the address a in the subnet on, with IFA_F_* flags.
func (c *rtnl) addAddr(idx int, a netip.Addr, on netip.Prefix, flags uint32) error {
	family := unix.AF_INET
	if a.Is6() {
		family = unix.AF_INET6
	}
	body := make([]byte, unix.SizeofIfAddrmsg)
	body[0], body[1], body[2] = byte(family), byte(on.Bits()), byte(flags)
	native.PutUint32(body[4:], uint32(idx))
	body = append(body, attr(unix.IFA_LOCAL, a.AsSlice())...)
	body = append(body, attr(unix.IFA_ADDRESS, a.AsSlice())...)
	body = append(body, u32Attr(unix.IFA_FLAGS, flags)...)
	_, err := c.do(unix.RTM_NEWADDR, unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL, body)
	return err
}

// Dumps.

// link is what a dump says of one link.
type link struct {
	index     int
	name      string
	operstate uint8
	port      bool  // a bridge port (in an AF_BRIDGE dump)
	portState uint8 // IFLA_BRPORT_STATE of a bridge port
}

// links lists the namespace's links; family AF_BRIDGE lists the bridge ports with their state.
func (c *rtnl) links(family uint8) ([]link, error) {
	msgs, err := c.do(unix.RTM_GETLINK, unix.NLM_F_DUMP, ifinfomsg(family, 0, 0, 0))
	if err != nil {
		return nil, err
	}
	var out []link
	for _, m := range msgs {
		if m.typ != unix.RTM_NEWLINK || len(m.data) < unix.SizeofIfInfomsg {
			continue
		}
		a := attrs(m.data[unix.SizeofIfInfomsg:])
		l := link{index: int(int32(native.Uint32(m.data[4:]))), name: cstring(a[unix.IFLA_IFNAME])}
		if v := a[unix.IFLA_OPERSTATE]; len(v) == 1 {
			l.operstate = v[0]
		}
		if p, ok := a[unix.IFLA_PROTINFO]; ok {
			if v := attrs(p)[unix.IFLA_BRPORT_STATE]; len(v) == 1 {
				l.port, l.portState = true, v[0]
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// index is the index of the link named name.
func (c *rtnl) index(name string) (int, error) {
	ls, err := c.links(unix.AF_UNSPEC)
	for tries := 1; errors.Is(err, errDumpInterrupted) && tries < 3; tries++ {
		ls, err = c.links(unix.AF_UNSPEC)
	}
	if err != nil {
		return 0, err
	}
	for _, l := range ls {
		if l.name == name {
			return l.index, nil
		}
	}
	return 0, fmt.Errorf("no link named %s", name)
}

// ifaddr is what a dump says of one address.
type ifaddr struct {
	index int
	addr  netip.Addr
	flags uint32 // IFA_F_*
}

// addrs lists the namespace's addresses of family.
func (c *rtnl) addrs(family uint8) ([]ifaddr, error) {
	body := make([]byte, unix.SizeofIfAddrmsg)
	body[0] = family
	msgs, err := c.do(unix.RTM_GETADDR, unix.NLM_F_DUMP, body)
	if err != nil {
		return nil, err
	}
	var out []ifaddr
	for _, m := range msgs {
		if m.typ != unix.RTM_NEWADDR || len(m.data) < unix.SizeofIfAddrmsg {
			continue
		}
		a := attrs(m.data[unix.SizeofIfAddrmsg:])
		ip, _ := netip.AddrFromSlice(a[unix.IFA_ADDRESS])
		f := uint32(m.data[2])
		if v := a[unix.IFA_FLAGS]; len(v) == 4 {
			f = native.Uint32(v)
		}
		out = append(out, ifaddr{index: int(native.Uint32(m.data[4:])), addr: ip, flags: f})
	}
	return out, nil
}

// groups lists the IPv6 multicast groups each link has joined, as (link index, group).
func (c *rtnl) groups() ([]ifaddr, error) {
	body := make([]byte, unix.SizeofIfAddrmsg)
	body[0] = unix.AF_INET6
	msgs, err := c.do(unix.RTM_GETMULTICAST, unix.NLM_F_DUMP, body)
	if err != nil {
		return nil, err
	}
	var out []ifaddr
	for _, m := range msgs {
		if len(m.data) < unix.SizeofIfAddrmsg {
			continue
		}
		g, _ := netip.AddrFromSlice(attrs(m.data[unix.SizeofIfAddrmsg:])[unix.IFA_MULTICAST])
		out = append(out, ifaddr{index: int(native.Uint32(m.data[4:])), addr: g})
	}
	return out, nil
}

// localRoutes lists the destinations of the IPv6 routes of type local: the addresses the
// kernel delivers to this namespace itself.
func (c *rtnl) localRoutes() ([]netip.Addr, error) {
	body := make([]byte, unix.SizeofRtMsg)
	body[0] = unix.AF_INET6
	msgs, err := c.do(unix.RTM_GETROUTE, unix.NLM_F_DUMP, body)
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, m := range msgs {
		if m.typ != unix.RTM_NEWROUTE || len(m.data) < unix.SizeofRtMsg || m.data[7] != unix.RTN_LOCAL {
			continue
		}
		if dst, ok := netip.AddrFromSlice(attrs(m.data[unix.SizeofRtMsg:])[unix.RTA_DST]); ok {
			out = append(out, dst)
		}
	}
	return out, nil
}

// Encoding and decoding.

func ifinfomsg(family uint8, index int32, flags, change uint32) []byte {
	b := make([]byte, unix.SizeofIfInfomsg)
	b[0] = family
	native.PutUint32(b[4:], uint32(index))
	native.PutUint32(b[8:], flags)
	native.PutUint32(b[12:], change)
	return b
}

func align(n int) int { return (n + unix.NLA_ALIGNTO - 1) &^ (unix.NLA_ALIGNTO - 1) }

// attr is one netlink attribute, padded to its alignment.
func attr(typ uint16, v []byte) []byte {
	b := make([]byte, align(unix.NLA_HDRLEN+len(v)))
	native.PutUint16(b[0:], uint16(unix.NLA_HDRLEN+len(v)))
	native.PutUint16(b[2:], typ)
	copy(b[unix.NLA_HDRLEN:], v)
	return b
}

func nested(typ uint16, v []byte) []byte { return attr(typ|unix.NLA_F_NESTED, v) }

func strAttr(typ uint16, s string) []byte { return attr(typ, append([]byte(s), 0)) }

func u32Attr(typ uint16, v uint32) []byte {
	return attr(typ, native.AppendUint32(nil, v))
}

// attrs splits a run of attributes by type (flags masked off); a malformed tail is ignored.
func attrs(b []byte) map[uint16][]byte {
	out := map[uint16][]byte{}
	for len(b) >= unix.NLA_HDRLEN {
		l := int(native.Uint16(b))
		if l < unix.NLA_HDRLEN || l > len(b) {
			break
		}
		out[native.Uint16(b[2:])&nlaTypeMask] = b[unix.NLA_HDRLEN:l]
		b = b[min(align(l), len(b)):]
	}
	return out
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
