//go:build linux

package hosts

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
	"golang.org/x/sys/unix"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/skip"
	"sockspec/helpers/sock"
)

// A kernel that lacks what the hosts need cannot be had on this machine on demand, so the
// specs below play one: they start this test binary again as a child with
// SOCKSPEC_HOSTS_CHILD naming a fault, where specs that build hosts may skip or fail on
// purpose, and read how each of them ended.
const childEnv = "SOCKSPEC_HOSTS_CHILD"

// faults are what a child can play.
var faults = map[string]func(){
	// A kernel without IPC namespace files (seen under sandboxed kernels).
	"no-ipc-ns-file": func() { openNS = refusing("/ns/ipc", unix.ENOENT) },
	// An error that says nothing is missing: it must fail, not skip.
	"ipc-ns-file-eio": func() { openNS = refusing("/ns/ipc", unix.EIO) },
	// Hosts whose interfaces have IPv6 disabled: the kernel itself refuses their address.
	"ipv6-disabled": func() {
		afterNamespaces = func(h *Host) error {
			return h.Do(func() error {
				return os.WriteFile("/proc/sys/net/ipv6/conf/default/disable_ipv6", []byte("1"), 0)
			})
		}
	},
}

func refusing(suffix string, e unix.Errno) func(string) (int, error) {
	real := openNS
	return func(path string) (int, error) {
		if strings.HasSuffix(path, suffix) {
			return -1, e
		}
		return real(path)
	}
}

// childSpec is how one spec of the child ended, with what it left behind.
type childSpec struct {
	Name    string   `json:"name"`
	State   string   `json:"state"`
	Message string   `json:"message"`
	Leaked  []string `json:"leaked"` // descriptors open after the spec that were not before
	Strays  []string `json:"strays"` // threads not in this process's own namespaces
}

// TestChild runs only in a child started by the specs below.
func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("runs only as a child of the hosts tests, with " + childEnv + " set")
	}
	fault, ok := faults[mode]
	if !ok {
		t.Fatalf("%s=%q: no such fault", childEnv, mode)
	}
	fault()
	// Start the Go runtime's poller (its epoll and eventfd descriptors, opened on first
	// use) now, so that they never count as left open by a spec.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	RegisterFailHandler(Fail)
	childSpecs()
	sc, rc := GinkgoConfiguration()
	sc.LabelFilter = "child"
	rc.NoColor = true
	RunSpecs(t, "hosts: a child playing "+mode, sc, rc)
}

// childSpecs build hosts and connect from A to B over IPv4 and over IPv6.
func childSpecs() {
	Describe("in the child", Label("child"), func() {
		var before []fdtable.Entry
		BeforeEach(func() {
			var err error
			before, err = fdtable.Self()
			Expect(err).NotTo(HaveOccurred())
		})
		DescribeTable("host A connects to host B",
			func(f sock.Family) {
				n := New("A", "B")
				a, b := n.Hosts[0], n.Hosts[1]
				server := netip.AddrPortFrom(b.Addr(f), 3000)
				l := b.Listener(f, server, 1)
				c := a.Socket(f, unix.SOCK_STREAM)
				Expect(c.ConnectWithin(server, within)).To(Succeed())
				l.AcceptWithin(within)
			},
			Entry("IPv4", sock.IPv4), Entry("IPv6", sock.IPv6))
		ReportAfterEach(func(r SpecReport) {
			s := childSpec{Name: r.LeafNodeText, State: r.State.String(), Message: r.Failure.Message}
			after, err := fdtable.Self()
			if err != nil {
				s.Leaked = []string{err.Error()}
			}
			for _, e := range fdtable.Diff(before, after) {
				s.Leaked = append(s.Leaked, e.String())
			}
			s.Strays = strays()
			out, _ := json.Marshal(s)
			fmt.Printf("\nchild: %s\n", out)
		})
	})
}

// strays lists this process's threads that are in another network or IPC namespace than
// the process's own.
func strays() []string {
	var out []string
	for _, kind := range []string{"net", "ipc"} {
		own, _ := os.Readlink("/proc/self/ns/" + kind)
		threads, _ := filepath.Glob("/proc/self/task/*/ns/" + kind)
		for _, t := range threads {
			if ns, err := os.Readlink(t); err == nil && ns != own {
				out = append(out, t+" → "+ns)
			}
		}
	}
	return out
}

// runChild starts this test binary as a child playing fault and returns how its specs ended.
func runChild(fault string) map[string]childSpec {
	GinkgoHelper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$")
	cmd.Env = append(os.Environ(), childEnv+"="+fault)
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(within) })
	Eventually(s).WithTimeout(60 * time.Second).Should(gexec.Exit())
	specs := map[string]childSpec{}
	for _, m := range regexp.MustCompile(`(?m)^child: (\{.*\})$`).FindAllSubmatch(s.Out.Contents(), -1) {
		var c childSpec
		Expect(json.Unmarshal(m[1], &c)).To(Succeed())
		Expect(c.Leaked).To(BeEmpty(), "descriptors left open by the child's spec %s", c.Name)
		Expect(c.Strays).To(BeEmpty(), "threads left in a host's namespaces by the child's spec %s", c.Name)
		specs[c.Name] = c
	}
	Expect(specs).To(HaveKey("IPv4"), "the child (exit status %d) reported no IPv4 spec", s.ExitCode())
	Expect(specs).To(HaveKey("IPv6"), "the child (exit status %d) reported no IPv6 spec", s.ExitCode())
	return specs
}

// skipped checks that a child spec was skipped for reason r, with a detail matching detail.
func skipped(s childSpec, r skip.Reason, detail string) {
	GinkgoHelper()
	Expect(s.State).To(Equal("skipped"), "spec %s: %s", s.Name, s.Message)
	reason, got, ok := skip.ReasonOf(s.Message)
	Expect(ok).To(BeTrue(), "the skip of spec %s names no declared reason: %q", s.Name, s.Message)
	Expect(reason).To(Equal(r), "spec %s: %s", s.Name, s.Message)
	Expect(got).To(MatchRegexp(detail), "spec %s", s.Name)
}

var _ = Describe("test hosts on a kernel that lacks what they need", func() {
	BeforeEach(needRoot)

	It("skip every spec, naming the feature, when the kernel has no IPC namespace file (ENOENT)", func() {
		for _, s := range runChild("no-ipc-ns-file") {
			skipped(s, skip.MissingFeature, `^test hosts: .*IPC namespaces: open /proc/self/task/<tid>/ns/ipc: no such file or directory \(ENOENT\)$`)
		}
	})

	It("fail, and do not skip, when opening that file fails for any other reason (EIO)", func() {
		for _, s := range runChild("ipc-ns-file-eio") {
			Expect(s.State).To(Equal("failed"), "spec %s", s.Name)
			Expect(s.Message).To(MatchRegexp(`^making test hosts: .*open /proc/self/task/<tid>/ns/ipc: input/output error \(EIO\)$`))
		}
	})

	It("skip only the IPv6 specs when the hosts' interfaces have IPv6 disabled (EACCES); the IPv4 ones run", func() {
		specs := runChild("ipv6-disabled")
		Expect(specs["IPv4"].State).To(Equal("passed"), specs["IPv4"].Message)
		skipped(specs["IPv6"], skip.Unusable, `^host B has no IPv6 address: IPv6 is disabled on the host's eth0 .*permission denied \(the kernel: "ipv6: IPv6 is disabled on this device"\) \(EACCES\)$`)
	})
})
