//go:build linux

package hosts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	. "sockspec/helpers/matchers"
	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
)

const within = 5 * time.Second

// machine is what this machine's own network namespace holds, and the named namespaces:
// the hosts must change none of it, while they exist or after.
func machine() []string {
	GinkgoHelper()
	var out []string
	links, err := netlink.LinkList()
	Expect(err).NotTo(HaveOccurred())
	for _, l := range links {
		a := l.Attrs()
		out = append(out, fmt.Sprintf("link %d %s flags %v master %d", a.Index, a.Name, a.Flags, a.MasterIndex))
	}
	addrs, err := netlink.AddrList(nil, netlink.FAMILY_ALL)
	Expect(err).NotTo(HaveOccurred())
	for _, a := range addrs {
		out = append(out, fmt.Sprintf("addr %s on %d", a.IPNet, a.LinkIndex))
	}
	routes, err := netlink.RouteList(nil, netlink.FAMILY_ALL)
	Expect(err).NotTo(HaveOccurred())
	for _, r := range routes {
		out = append(out, fmt.Sprintf("route %v via %v dev %d table %d", r.Dst, r.Gw, r.LinkIndex, r.Table))
	}
	named, _ := filepath.Glob("/run/netns/*")
	for _, n := range named {
		out = append(out, "named netns "+n)
	}
	sort.Strings(out)
	return out
}

func needRoot() {
	if uid := os.Geteuid(); uid != 0 {
		skip.Because(skip.NotRoot, "test hosts are network namespaces, which only root can make (running as uid %d)", uid)
	}
}

var _ = Describe("test hosts", func() {
	BeforeEach(needRoot)

	It("reach each other by address over the segment, and nothing beyond it", func() {
		n := New("A", "B")
		a, b := n.Hosts[0], n.Hosts[1]
		for _, f := range []sock.Family{sock.IPv4, sock.IPv6} {
			l := b.Socket(f, unix.SOCK_STREAM)
			Expect(l.Bind(netip.AddrPortFrom(b.Addr(f), 3000))).To(Succeed())
			Expect(l.Listen(1)).To(Succeed())
			c := a.Socket(f, unix.SOCK_STREAM)
			Expect(c.ConnectWithin(netip.AddrPortFrom(b.Addr(f), 3000), within)).To(Succeed())
			Expect(c.Local().Addr()).To(Equal(a.Addr(f)), "the kernel on A picks A's address as the source")
		}
		// No route leaves the segment: the kernel refuses before sending anything.
		for _, to := range []string{"198.51.100.1:9", "[2001:db8:1::1]:9", "[2001:4860:4860::8888]:53", "8.8.8.8:53"} {
			ap := netip.MustParseAddrPort(to)
			f := sock.IPv4
			if ap.Addr().Is6() {
				f = sock.IPv6
			}
			c := a.Socket(f, unix.SOCK_STREAM)
			Expect(c.Connect(ap)).To(FailWithErrno(unix.ENETUNREACH), "connect from host A to %s", to)
		}
	})

	It("each have their own loopback and port space", func() {
		n := New("A", "B")
		for _, h := range n.Hosts {
			s := h.Socket(sock.IPv4, unix.SOCK_STREAM)
			Expect(s.Bind(netip.MustParseAddrPort("127.0.0.1:3000"))).To(Succeed(), "bind 127.0.0.1:3000 on %s", h)
			Expect(s.Listen(1)).To(Succeed())
		}
	})

	It("leave this machine's own interfaces, addresses and routes alone, and name no namespace", func() {
		before := machine()
		n := New("A", "B", "C")
		Expect(n.Hosts).To(HaveLen(3))
		Expect(machine()).To(Equal(before))
	})

	It("put every thread back in this process's namespaces after running code inside a host", func() {
		n := New("A")
		var inside string
		for range 50 {
			Expect(n.Hosts[0].Do(func() error {
				var err error
				inside, err = os.Readlink(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
				return err
			})).To(Succeed())
		}
		Expect(inside).To(Equal(fmt.Sprintf("net:[%d]", n.Hosts[0].NetNS)))
		for _, kind := range []string{"net", "ipc"} {
			own, err := os.Readlink("/proc/self/ns/" + kind)
			Expect(err).NotTo(HaveOccurred())
			threads, err := filepath.Glob("/proc/self/task/*/ns/" + kind)
			Expect(err).NotTo(HaveOccurred())
			for _, t := range threads {
				ns, err := os.Readlink(t)
				if err == nil {
					Expect(ns).To(Equal(own), "%s", t)
				}
			}
		}
	})

	It("have closed every descriptor Do opened by the time Do returns", func() {
		n := New("A")
		// Counting /proc/self/fd is quick enough to catch a descriptor closed just after
		// Do returned (a race the suites' leak check once caught under -p).
		count := func() int {
			entries, err := os.ReadDir("/proc/self/fd")
			Expect(err).NotTo(HaveOccurred())
			return len(entries)
		}
		before := count()
		for i := range 2000 {
			Expect(n.Hosts[0].Do(func() error { return nil })).To(Succeed())
			Expect(count()).To(Equal(before), "descriptors open after Do returned (call %d)", i+1)
		}
	})

	It("report a failure inside a host as an error, and the thread still comes back", func() {
		n := New("A")
		err := n.Hosts[0].Do(func() error { panic("boom") })
		Expect(err).To(MatchError(ContainSubstring("panic inside a host: boom")))
		Expect(n.Hosts[0].Do(func() error { return unix.Unshare(unix.CLONE_NEWNET) })).To(Succeed())
		held, err := Holders("self", []uint64{n.Hosts[0].NetNS})
		Expect(err).NotTo(HaveOccurred())
		Expect(held).To(HaveLen(1), "only the descriptor New keeps, no thread: %v", held)
	})
})

// The fixture program fixtures/programs/hostsfail builds hosts in specs that fail, time out, are
// interrupted or are killed; afterwards nothing may hold their namespaces and this machine's
// own network must be as it was.
var _ = Describe("test hosts after a spec that ends badly", Ordered, func() {
	var program string
	BeforeAll(func() {
		needRoot()
		var err error
		program, err = gexec.Build("sockspec/fixtures/programs/hostsfail")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		// A process the program leaves behind becomes this one's child (see ours).
		Expect(unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)).To(Succeed())
		DeferCleanup(func() { Expect(unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)).To(Succeed()) })
	})

	namespaces := regexp.MustCompile(`namespaces: \[([0-9 ]+)\]`)
	run := func(mode string) (*gexec.Session, func() []uint64) {
		s, err := gexec.Start(exec.Command(program, mode), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait(within) })
		made := func() []uint64 {
			var ids []uint64
			for _, m := range namespaces.FindAllStringSubmatch(string(s.Out.Contents()), -1) {
				for _, f := range strings.Fields(m[1]) {
					var id uint64
					fmt.Sscan(f, &id)
					ids = append(ids, id)
				}
			}
			return ids
		}
		return s, made
	}
	after := func(s *gexec.Session) {
		GinkgoHelper()
		m := regexp.MustCompile(`after: (\{.*\})`).FindSubmatch(s.Out.Contents())
		Expect(m).NotTo(BeNil(), "the program printed no after: line")
		var a struct{ Holders, Leaked []string }
		Expect(json.Unmarshal(m[1], &a)).To(Succeed())
		Expect(a.Holders).To(BeEmpty(), "threads or descriptors of the program still in its hosts' namespaces after the specs")
		Expect(a.Leaked).To(BeEmpty(), "descriptors the specs left open")
	}
	gone := func(ids []uint64, before []string) {
		GinkgoHelper()
		all, err := Holders("*", ids)
		Expect(err).NotTo(HaveOccurred())
		var held []string
		for _, h := range all {
			if pid, _ := strconv.Atoi(strings.Split(h, "/")[2]); ours(pid) {
				held = append(held, h)
			} else {
				fmt.Fprintf(GinkgoWriter, "not ours, so a namespace number used again: %s\n", h)
			}
		}
		Expect(held).To(BeEmpty(), "processes still holding the namespaces %v", ids)
		Expect(machine()).To(Equal(before))
	}

	It("releases everything when a spec fails and when one times out", func() {
		before := machine()
		s, made := run("fail")
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(1))
		Expect(string(s.Out.Contents())).To(ContainSubstring("[FAILED] deliberate failure"))
		Expect(string(s.Out.Contents())).To(ContainSubstring("[TIMEDOUT]"))
		Expect(made()).To(HaveLen(10), "two networks of a switch and two hosts (net and IPC namespaces each)")
		after(s)
		gone(made(), before)
	})

	It("releases everything when the run is interrupted (Ctrl-C)", func() {
		before := machine()
		s, made := run("hold")
		Eventually(made).WithTimeout(30 * time.Second).Should(HaveLen(5))
		s.Signal(syscall.SIGINT)
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(1))
		Expect(string(s.Out.Contents())).To(ContainSubstring("[INTERRUPTED]"))
		after(s)
		gone(made(), before)
	})

	It("releases every descriptor when making hosts runs out of them (EMFILE), at each step", func() {
		before := machine()
		s, made := run("emfile")
		Eventually(s).WithTimeout(60 * time.Second).Should(gexec.Exit(1))
		after(s)
		gone(made(), before)
		var failed, passed int
		for _, m := range regexp.MustCompile(`(?m)^spec: (\{.*\})$`).FindAllSubmatch(s.Out.Contents(), -1) {
			var r struct{ Name, State, Failure string }
			Expect(json.Unmarshal(m[1], &r)).To(Succeed())
			switch r.State {
			case "passed":
				passed++
			case "failed":
				failed++
				Expect(r.Failure).To(MatchRegexp(`^making test hosts: .*: too many open files \(EMFILE: at most \d+ descriptors may be open, ulimit -n\)$`), r.Name)
			}
		}
		// With no room at all the first step fails; with room enough every step succeeds.
		Expect(failed).To(BeNumerically(">", 0), "builds that ran out of descriptors")
		Expect(passed).To(BeNumerically(">", 0), "builds with room enough")
	})

	It("leaves nothing behind when the process is killed outright", func() {
		before := machine()
		s, made := run("hold")
		Eventually(made).WithTimeout(30 * time.Second).Should(HaveLen(5))
		s.Kill()
		Eventually(s).WithTimeout(within).Should(gexec.Exit())
		// No cleanup ran: the kernel freed the namespaces, their veth pairs and the bridge.
		gone(made(), before)
	})
})

// ours says whether process pid is this test process or a descendant of it. Once a program
// has ended, the kernel gives its namespaces' inode numbers to new namespaces, which other
// programs on this machine make all the time: a process of theirs in a namespace with a
// number used again holds nothing of ours. Whatever the program left running is ours: this
// process is a child subreaper while the program runs, so the program's orphans become its
// children.
func ours(pid int) bool {
	for self := os.Getpid(); pid > 1; {
		if pid == self {
			return true
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false // ended meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			return false
		}
		pid, _ = strconv.Atoi(fields[1])
	}
	return false
}
