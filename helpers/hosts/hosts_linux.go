//go:build linux

package hosts

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/skip"
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

// openNS opens a namespace file. Tests replace it to play a kernel that lacks one.
var openNS = func(path string) (int, error) {
	return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
}

// afterNamespaces, when a test sets it, runs with each host as soon as the host's
// namespaces exist, before its interfaces are made (to change the host's kernel settings).
var afterNamespaces func(h *Host) error

// New makes the hosts named (New("A", "B") gives A at 192.0.2.1 and B at 192.0.2.2) on one
// segment, and registers their removal with DeferCleanup. It returns once the segment
// carries frames. It skips the spec, with the reason, where hosts cannot be made; any other
// error fails the spec, and leaves nothing behind.
func New(names ...string) *Network {
	GinkgoHelper()
	Expect(checkNames(names)).To(Succeed())
	if uid := os.Geteuid(); uid != 0 {
		skip.Because(skip.NotRoot, "test hosts are network namespaces, which only root can make (running as uid %d)", uid)
	}
	n := &Network{sw: nsFiles{net: -1, ipc: -1}}
	DeferCleanup(n.close)
	if err := n.build(names, time.Now().Add(readyWithin)); err != nil {
		n.close()
		var u *unavailable
		if errors.As(err, &u) {
			skip.Because(u.reason, "test hosts: %s", describe(err))
		}
		Fail("making test hosts: " + describe(err))
	}
	return n
}

// close releases every namespace descriptor the network holds. It may run while build is
// still at work (a spec interrupted in New): build then releases what it makes after.
func (n *Network) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	for _, ns := range n.held {
		ns.close()
	}
	n.held = nil
}

// keep hands ns to the network, which releases it on close.
func (n *Network) keep(ns nsFiles) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		ns.close()
		return errors.New("the spec ended while its hosts were being made")
	}
	n.held = append(n.held, ns)
	return nil
}

// build makes the switch and the hosts, and waits until deadline for the segment to
// forward. Every descriptor it opens is either held by n or closed before it returns.
func (n *Network) build(names []string, deadline time.Time) error {
	var err error
	if n.sw, err = n.create(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("making the namespace of the switch: %w", err)
	}
	if n.SwitchNS, err = inode(n.sw.net); err != nil {
		return err
	}
	sw, err := dialRTNL(n.sw.net)
	if err != nil {
		return fmt.Errorf("in the switch: %w", err)
	}
	defer sw.close()
	if err := sw.addLink("lan", "bridge", nil); err != nil {
		return lacking(skip.MissingFeature, "bridge devices (CONFIG_BRIDGE)", fmt.Errorf("adding bridge lan in the switch: %w", err), unix.EOPNOTSUPP)
	}
	lan, err := sw.index("lan")
	if err != nil {
		return fmt.Errorf("in the switch: %w", err)
	}
	if err := sw.setUp("lan"); err != nil {
		return fmt.Errorf("setting bridge lan up: %w", err)
	}
	var conns []*rtnl
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	for i, name := range names {
		h, c, err := n.addHost(i, name, sw, lan)
		if c != nil {
			conns = append(conns, c)
		}
		if err != nil {
			return fmt.Errorf("host %s: %w", name, err)
		}
		n.Hosts = append(n.Hosts, h)
	}
	return n.awaitForwarding(sw, conns, deadline)
}

// addHost makes host i, named name, with its eth0 plugged into the bridge with index lan;
// it returns the netlink socket it opened in the host, for build to wait on and close.
func (n *Network) addHost(i int, name string, sw *rtnl, lan int) (*Host, *rtnl, error) {
	h := &Host{Name: name}
	h.IPv4, h.IPv6 = addrs(i)
	var err error
	if h.ns, err = n.create(unix.CLONE_NEWNET | unix.CLONE_NEWIPC); err != nil {
		return nil, nil, fmt.Errorf("making its namespaces: %w", err)
	}
	if h.NetNS, err = inode(h.ns.net); err != nil {
		return nil, nil, err
	}
	if h.IPCNS, err = inode(h.ns.ipc); err != nil {
		return nil, nil, err
	}
	if afterNamespaces != nil {
		if err := afterNamespaces(h); err != nil {
			return nil, nil, err
		}
	}
	c, err := dialRTNL(h.ns.net)
	if err != nil {
		return nil, nil, err
	}
	if err := c.setUp("lo"); err != nil {
		return nil, c, fmt.Errorf("setting lo up: %w", err)
	}
	// Made inside the host with its peer placed straight into the switch, so the pair is
	// never in this machine's own namespace, not even for a moment.
	port := portName(name)
	if err := c.addLink("eth0", "veth", vethPeer(port, n.sw.net)); err != nil {
		return nil, c, lacking(skip.MissingFeature, "veth pairs (CONFIG_VETH)", fmt.Errorf("adding veth eth0 (peer %s in the switch): %w", port, err), unix.EOPNOTSUPP)
	}
	eth0, err := c.index("eth0")
	if err != nil {
		return nil, c, err
	}
	if err := c.addAddr(eth0, h.IPv4, IPv4Net, 0); err != nil {
		return nil, c, fmt.Errorf("adding %s to eth0: %w", h.IPv4, err)
	}
	// No duplicate address detection: the address is usable at once, not after ~1 s. A
	// kernel without IPv6 (EOPNOTSUPP, EAFNOSUPPORT), or with IPv6 disabled on the device
	// (EACCES), refuses it: only the IPv6 specs skip then (Addr).
	if err := c.addAddr(eth0, h.IPv6, IPv6Net, unix.IFA_F_NODAD); err != nil {
		err = fmt.Errorf("adding %s to eth0: %w", h.IPv6, err)
		err = lacking(skip.Unusable, "IPv6 is disabled on the host's eth0 (net.ipv6.conf.*.disable_ipv6)", err, unix.EACCES)
		err = lacking(skip.MissingFeature, "IPv6", err, unix.EOPNOTSUPP, unix.EAFNOSUPPORT)
		if !errors.As(err, &h.noIPv6) {
			return nil, c, err
		}
	}
	// The switch's end first: when eth0 then comes up, the pair has its carrier at once, so
	// eth0 can send at once; the port follows within milliseconds (awaitForwarding).
	if err := sw.setMaster(port, lan); err != nil {
		return nil, c, fmt.Errorf("attaching %s to bridge lan: %w", port, err)
	}
	if err := sw.setUp(port); err != nil {
		return nil, c, fmt.Errorf("setting %s up in the switch: %w", port, err)
	}
	if err := c.setUp("eth0"); err != nil {
		return nil, c, fmt.Errorf("setting eth0 up: %w", err)
	}
	return h, c, nil
}

func portName(host string) string { return "port-" + host }

// create makes fresh namespaces of the kinds in flags and returns descriptors for them,
// held by n: n.close frees the namespaces once nothing else holds them.
func (n *Network) create(flags uintptr) (nsFiles, error) {
	ns := nsFiles{net: -1, ipc: -1}
	err := onThread(func() error {
		if err := unix.Unshare(int(flags)); err != nil {
			err = os.NewSyscallError("unshare", err)
			err = lacking(skip.NotRoot, "making namespaces needs CAP_SYS_ADMIN", err, unix.EPERM)
			// unshare(2): EINVAL when the kernel was built without these namespaces.
			return lacking(skip.MissingFeature, kinds(flags), err, unix.EINVAL)
		}
		var err error
		ns, err = current(flags)
		return err
	})
	// Opened, even when putting the thread back failed afterwards: n releases them.
	if kept := n.keep(ns); err == nil {
		err = kept
	}
	return ns, err
}

func kinds(flags uintptr) string {
	if flags&unix.CLONE_NEWIPC != 0 {
		return "network and IPC namespaces (CONFIG_NET_NS, CONFIG_IPC_NS)"
	}
	return "network namespaces (CONFIG_NET_NS)"
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
		flag       uintptr
		file, kind string
		fd         *int
	}{{unix.CLONE_NEWNET, "net", "network", &ns.net}, {unix.CLONE_NEWIPC, "ipc", "IPC", &ns.ipc}} {
		if flags&k.flag == 0 {
			continue
		}
		path := fmt.Sprintf("/proc/self/task/%d/ns/%s", tid, k.file)
		fd, err := ignoringEINTR(func() (int, error) { return openNS(path) })
		if err != nil {
			ns.close()
			// Without the file (some sandboxed kernels) a namespace of that kind can be
			// neither kept nor entered again: the kernel lacks what the hosts need.
			// The message names the file without this thread's id, so that the same reason
			// from many specs reads as one in the claims table.
			err = lacking(skip.MissingFeature, k.kind+" namespaces", &os.PathError{Op: "open", Path: "/proc/self/task/<tid>/ns/" + k.file, Err: err}, unix.ENOENT)
			return nsFiles{net: -1, ipc: -1}, err
		}
		*k.fd = fd
	}
	return ns, nil
}

// ignoringEINTR repeats a call that a signal interrupted before it did anything.
func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// inode identifies the namespace behind a descriptor, as /proc/PID/ns/* shows it.
func inode(fd int) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, os.NewSyscallError("fstat on a namespace descriptor", err)
	}
	return st.Ino, nil
}
