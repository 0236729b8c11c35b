package hosts

import (
	"net/netip"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHosts(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "hosts: test hosts as network namespaces")
}

var _ = Describe("host names", func() {
	It("become interface names, so they are short, plain and distinct", func() {
		Expect(checkNames([]string{"A", "B", "server1"})).To(Succeed())
		Expect(checkNames(nil)).To(MatchError(ContainSubstring("want 1 to 250 hosts, got 0")))
		Expect(checkNames([]string{"A", "A"})).To(MatchError(ContainSubstring(`"A" given twice`)))
		Expect(checkNames([]string{"toolongname"})).To(MatchError(ContainSubstring("at most 7 more")))
		Expect(checkNames([]string{"a-b"})).To(MatchError(ContainSubstring(`"a-b"`)))
	})

	It("give host i the documentation addresses 192.0.2.i and 2001:db8::i", func() {
		v4, v6 := addrs(2)
		Expect(v4.String()).To(Equal("192.0.2.3"))
		Expect(v6.String()).To(Equal("2001:db8::3"))
		Expect(IPv4Net.Contains(v4) && IPv6Net.Contains(v6)).To(BeTrue())
	})

	It("give host i's IPv6 address the solicited-node group ff02::1:ff00:i", func() {
		_, v6 := addrs(2)
		Expect(solicitedNode(v6).String()).To(Equal("ff02::1:ff00:3"))
		Expect(solicitedNode(netip.MustParseAddr("2001:db8::abcd:ef12:3456")).String()).To(Equal("ff02::1:ff12:3456"))
	})
})
