//go:build linux

package hosts

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
	"sockspec/helpers/sock"
)

// nsFiles are descriptors for a host's namespaces (-1: none of that kind).
type nsFiles struct{ net, ipc int }

func (f nsFiles) close() {
	for _, fd := range []int{f.net, f.ipc} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// New makes the hosts named (New("A", "B") gives A at 192.0.2.1 and B at 192.0.2.2) on one
// segment, and registers their removal with DeferCleanup. It skips the spec, with the
// reason, where namespaces cannot be made.
func New(names ...string) *Network {
	GinkgoHelper()
	Expect(checkNames(names)).To(Succeed())
	if uid := os.Geteuid(); uid != 0 {
		Skip(fmt.Sprintf("needs root to create network namespaces (running as uid %d)", uid))
	}
	n := &Network{}
	sw := create(unix.CLONE_NEWNET, "the switch")
	n.SwitchNS = inode(sw.net)
	swh := handle(sw.net, "the switch")
	defer swh.Close()
	bridge := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "lan"}}
	must(swh.LinkAdd(bridge), "adding bridge lan in the switch namespace")
	must(swh.LinkSetUp(bridge), "setting bridge lan up")

	for i, name := range names {
		h := &Host{Name: name}
		h.IPv4, h.IPv6 = addrs(i)
		h.ns = create(unix.CLONE_NEWNET|unix.CLONE_NEWIPC, "host "+name)
		h.NetNS, h.IPCNS = inode(h.ns.net), inode(h.ns.ipc)
		hh := handle(h.ns.net, "host "+name)
		defer hh.Close()

		lo, err := hh.LinkByName("lo")
		must(err, "finding lo in host %s", name)
		must(hh.LinkSetUp(lo), "setting lo up in host %s", name)

		// Made inside the host with its peer placed straight into the switch, so the pair
		// is never in this machine's own namespace, not even for a moment.
		port := "port-" + name
		veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}, PeerName: port, PeerNamespace: netlink.NsFd(sw.net)}
		must(hh.LinkAdd(veth), "adding veth eth0 (peer %s in the switch) in host %s", port, name)
		eth0, err := hh.LinkByName("eth0")
		must(err, "finding eth0 in host %s", name)
		must(hh.AddrAdd(eth0, &netlink.Addr{IPNet: prefix(h.IPv4, IPv4Net)}), "adding %s to eth0 of host %s", h.IPv4, name)
		// No duplicate address detection: the address is usable at once, not after ~1 s.
		// A kernel booted with IPv6 off refuses it; the IPv6 specs then skip (Addr).
		err = hh.AddrAdd(eth0, &netlink.Addr{IPNet: prefix(h.IPv6, IPv6Net), Flags: unix.IFA_F_NODAD})
		if errors.Is(err, unix.EAFNOSUPPORT) {
			h.noIPv6 = err
			err = nil
		}
		must(err, "adding %s to eth0 of host %s", h.IPv6, name)
		must(hh.LinkSetUp(eth0), "setting eth0 up in host %s", name)

		p, err := swh.LinkByName(port)
		must(err, "finding %s in the switch", port)
		must(swh.LinkSetMaster(p, bridge), "attaching %s to bridge lan", port)
		must(swh.LinkSetUp(p), "setting %s up", port)
		n.Hosts = append(n.Hosts, h)
	}
	return n
}

// create makes fresh namespaces of the kinds in flags and returns descriptors for them;
// DeferCleanup closes the descriptors, which frees the namespaces once nothing else holds them.
func create(flags uintptr, what string) nsFiles {
	GinkgoHelper()
	ns := nsFiles{net: -1, ipc: -1}
	err := onThread(func() error {
		if err := unix.Unshare(int(flags)); err != nil {
			return os.NewSyscallError("unshare", err)
		}
		var err error
		ns, err = current(flags)
		return err
	})
	DeferCleanup(ns.close)
	if errors.Is(err, unix.EPERM) {
		Skip(fmt.Sprintf("needs CAP_SYS_ADMIN to create network namespaces: %s", errno.Describe(err)))
	}
	must(err, "making the namespaces of %s", what)
	return ns
}

// handle is a netlink handle whose sockets live in the namespace ns; New closes it when
// the network is built (also when building fails), so a spec holds no netlink sockets.
func handle(ns int, what string) *netlink.Handle {
	GinkgoHelper()
	h, err := netlink.NewHandleAt(netns.NsHandle(ns))
	must(err, "opening a netlink socket in %s", what)
	return h
}

// Do runs fn on an OS thread inside the host's network and IPC namespaces: a socket fn
// makes belongs to the host for good, a SysV object fn makes or looks up is the host's.
// fn must not call Gomega or Ginkgo (it runs on another goroutine): return an error.
func (h *Host) Do(fn func() error) error {
	return onThread(func() error {
		if err := unix.Setns(h.ns.net, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("entering the network namespace of host %s: %w", h.Name, os.NewSyscallError("setns", err))
		}
		if err := unix.Setns(h.ns.ipc, unix.CLONE_NEWIPC); err != nil {
			return fmt.Errorf("entering the IPC namespace of host %s: %w", h.Name, os.NewSyscallError("setns", err))
		}
		return fn()
	})
}

// Socket makes a socket on the host: socket(2) runs inside the host's namespace, every
// later call on it works from any thread. DeferCleanup closes it.
func (h *Host) Socket(f sock.Family, typ int) *sock.Socket {
	GinkgoHelper()
	return sock.OpenIn(h.Do, "host "+h.Name, f, typ)
}

// Listener is socket(), bind(ap), listen(backlog) on the host: a TCP server socket there.
// It is non-blocking, so accept never hangs a spec; AcceptWithin waits with a bounded poll.
func (h *Host) Listener(f sock.Family, ap netip.AddrPort, backlog int) *sock.Socket {
	GinkgoHelper()
	l := h.Socket(f, unix.SOCK_STREAM)
	Expect(l.Bind(ap)).To(Succeed(), "bind %s to %s on %s", l, ap, h)
	Expect(l.Listen(backlog)).To(Succeed(), "listen on %s", l)
	l.SetNonblock(true)
	l.What = fmt.Sprintf("TCP/%s listener %s on host %s", f.Name, ap, h.Name)
	return l
}

// onThread runs fn on a goroutine locked to its OS thread, and puts the thread's network
// and IPC namespaces back as they were after fn, whatever fn did to them. A thread that
// cannot be put back is never used again: its goroutine ends still locked, and the Go
// runtime ends the thread with it.
func onThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		err, restored := runAndRestore(fn)
		if restored {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// runAndRestore is onThread's work on the locked thread. It closes every descriptor it
// opened before it returns, so the caller never sees one still open.
func runAndRestore(fn func() error) (err error, restored bool) {
	orig, err := current(unix.CLONE_NEWNET | unix.CLONE_NEWIPC)
	if err != nil {
		return err, true
	}
	defer orig.close()
	err = safely(fn)
	back := errors.Join(
		os.NewSyscallError("setns", unix.Setns(orig.net, unix.CLONE_NEWNET)),
		os.NewSyscallError("setns", unix.Setns(orig.ipc, unix.CLONE_NEWIPC)))
	if back != nil {
		return errors.Join(err, fmt.Errorf("putting the thread back in its namespaces (the thread is dropped): %w", back)), false
	}
	return err, true
}

func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic inside a host: %v", r)
		}
	}()
	return fn()
}

// current opens the calling thread's namespaces of the kinds in flags (close-on-exec).
func current(flags uintptr) (nsFiles, error) {
	ns := nsFiles{net: -1, ipc: -1}
	tid := unix.Gettid()
	for _, k := range []struct {
		flag uintptr
		name string
		fd   *int
	}{{unix.CLONE_NEWNET, "net", &ns.net}, {unix.CLONE_NEWIPC, "ipc", &ns.ipc}} {
		if flags&k.flag == 0 {
			continue
		}
		fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/%s", tid, k.name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			ns.close()
			return nsFiles{net: -1, ipc: -1}, os.NewSyscallError("open ns/"+k.name, err)
		}
		*k.fd = fd
	}
	return ns, nil
}

// inode identifies the namespace behind a descriptor, as /proc/PID/ns/* shows it.
func inode(fd int) uint64 {
	GinkgoHelper()
	var st unix.Stat_t
	must(unix.Fstat(fd, &st), "fstat on a namespace descriptor")
	return st.Ino
}

func prefix(a netip.Addr, on netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(on.Bits(), a.BitLen())}
}

func must(err error, format string, args ...any) {
	GinkgoHelper()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("%s: %v", fmt.Sprintf(format, args...), err)
	if e, ok := errno.Of(err); ok {
		msg += " (" + errno.Name(e) + ")"
	}
	Fail(msg)
}
