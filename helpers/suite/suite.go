// Package suite is what every sockspec suite shares at start-up and around each spec:
// it applies the run profile from ginkgo.yaml, loads the claim catalog, checks that each
// spec names exactly one known claim, fails a spec that leaks a descriptor, and prints the
// suite's claims table at the end.
package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/catalog"
	"sockspec/helpers/fdtable"
	"sockspec/helpers/profile"
	"sockspec/helpers/repo"
	"sockspec/helpers/report"
	"sockspec/helpers/sock"
)

var (
	claims  *catalog.Catalog
	current profile.Profile
)

// Run runs the suite of the calling package. Call it from the package's single Test function.
func Run(t *testing.T, description string) {
	t.Helper()
	GinkgoHelper() // the nodes made here point at the suite's own file
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	if current, err = profile.Select(filepath.Join(root, "ginkgo.yaml"), os.Getenv(profile.EnvVar)); err != nil {
		t.Fatal(err)
	}
	if claims, err = catalog.Load(filepath.Join(root, "fixtures", "claims.yaml")); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	name := filepath.Base(wd)

	// Start the Go runtime's poller now, so the descriptors it holds exist before the first
	// spec's leak check looks, rather than appearing during some spec.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}

	// Descriptors this process inherited without close-on-exec (from a shell or the ginkgo
	// CLI) would pass on to the fixture programs, which must start with only 0, 1 and 2.
	if inherited, err := fdtable.Self(); err == nil {
		for _, e := range inherited {
			if e.FD > 2 {
				unix.CloseOnExec(e.FD)
			}
		}
	}

	RegisterFailHandler(Fail)
	BeforeEach(checkSpec)
	ReportAfterSuite("claims table", func(r Report) {
		if !r.SuiteConfig.DryRun {
			fmt.Printf("\n%s: claims checked by this suite\n\n%s\n", name, report.Build(claims, []Report{r}, runtime.GOOS, false).Markdown())
		}
	})
	sc, rc := GinkgoConfiguration()
	current.Apply(&sc, &rc, root, name)
	// Ginkgo's output interceptor (used under -p) makes pipes from a background goroutine
	// while specs run; the descriptor claims and the leak check need a table nobody else touches.
	sc.OutputInterceptorMode = "none"
	RunSpecs(t, description, sc, rc)
}

// checkSpec runs before every spec: the claim label must name a claim of the catalog, and
// the spec must end with the descriptors it started with.
func checkSpec() {
	cl, err := claims.ClaimOf(CurrentSpecReport().Labels())
	if err != nil {
		Fail(err.Error())
	}
	AddReportEntry("claim", fmt.Sprintf("%s (%s): %s\ntutorial: %s", cl.ID, cl.Verdict, cl.Statement, cl.Seed), ReportEntryVisibilityFailureOrVerbose)

	before, err := fdtable.Self()
	Expect(err).NotTo(HaveOccurred(), "listing this process's descriptors")
	// Registered first, so it runs last: after every cleanup the spec itself registered.
	DeferCleanup(func() {
		after, err := fdtable.Self()
		Expect(err).NotTo(HaveOccurred(), "listing this process's descriptors")
		if leaked := fdtable.Diff(before, after); len(leaked) > 0 {
			Fail(fmt.Sprintf("the spec leaked %d descriptor(s); release each with DeferCleanup (the sock helpers do):\n%s", len(leaked), fdtable.Format(leaked)))
		}
	})
}

// Checks labels a spec (or a container of specs) with the ID of the claim it checks.
func Checks(id string) Labels { return Label(catalog.LabelPrefix + id) }

// Evidence records what the kernel did, for the claims table and `ginkgo -v`.
func Evidence(format string, args ...any) { report.Evidence(format, args...) }

// Expected returns the running OS's expectations of type T (one of the types
// helpers/catalog declares in Expectations), which the catalog checked when it loaded: every
// key present and of its type. A spec may read only its own claim's expectations; a table
// may read them to make its entries (listen.backlog's backlogs).
func Expected[T any]() T {
	GinkgoHelper()
	v, cl, err := catalog.Expected[T](claims, runtime.GOOS)
	Expect(err).NotTo(HaveOccurred())
	if spec := CurrentSpecReport(); spec.LeafNodeType == types.NodeTypeIt {
		Expect(spec.Labels()).To(ContainElement(catalog.LabelPrefix+cl.ID), "a spec reads only its own claim's expectations; %T are claim %s's", v, cl.ID)
	}
	return v
}

// MustHappenWithin bounds anything that must happen: a connect that must complete, bytes
// that must arrive (profile must_happen_within).
func MustHappenWithin() time.Duration { return current.MustHappenWithin.Duration }

// MustNotHappenFor is how long a spec watches for something that must not happen: a
// connect that must stay in progress, a datagram that must not arrive (profile
// must_not_happen_for).
func MustNotHappenFor() time.Duration { return current.MustNotHappenFor.Duration }

// Families are the table entries for claims about TCP and UDP: each runs over IPv4 and
// IPv6. The entries point at the caller's line, so each spec's location is in its own file.
func Families() []TableEntry {
	GinkgoHelper()
	return []TableEntry{Entry("IPv4", sock.IPv4), Entry("IPv6", sock.IPv6)}
}
