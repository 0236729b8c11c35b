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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"sockspec/helpers/catalog"
	"sockspec/helpers/fdtable"
	"sockspec/helpers/fixture"
	"sockspec/helpers/platform"
	"sockspec/helpers/preflight"
	"sockspec/helpers/profile"
	"sockspec/helpers/repo"
	"sockspec/helpers/report"
	"sockspec/helpers/sock"
)

var (
	claims  *catalog.Catalog
	current profile.Profile
	// cannotRun says why this suite cannot run: a start-up check failed. No spec runs then,
	// and the suite's report says why (its ReportBeforeSuite node fails with it).
	cannotRun error
)

// Run runs the suite of the calling package. Call it from the package's single Test function.
//
// Before any spec it applies the profile, loads the catalog, checks the label filter against
// it and checks this machine (helpers/preflight: loopback, descriptors, temporary
// directory). When one of those fails, no spec runs: the suite fails once, with the cause,
// in its ReportBeforeSuite node, so a broken environment never reads as broken claims.
func Run(t *testing.T, description string) {
	t.Helper()
	if err := fixture.Unclaimed(); err != nil { // started as a fixture program this binary lacks: never run the specs instead
		fmt.Fprintln(os.Stderr, "sockspec:", err)
		os.Exit(2)
	}
	GinkgoHelper() // the nodes made here point at the suite's own file
	name := packageName()
	RegisterFailHandler(Fail)
	sc, rc := GinkgoConfiguration()
	if cannotRun = startUp(&sc, &rc, name); cannotRun != nil && sc.ParallelTotal > 1 {
		// Under -p the ginkgo CLI shows a process's own output only when the process never
		// reached it (with loopback down, say): then this line comes first.
		fmt.Fprintf(os.Stderr, "%ssuite %s cannot run: %s\n", report.StartupMarker, name, strings.ReplaceAll(cannotRun.Error(), "\n", "; "))
	}

	// Start the Go runtime's poller now, so the descriptors it holds exist before the first
	// spec's leak check looks, rather than appearing during some spec.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}

	// Descriptors this process inherited without close-on-exec (from a shell or the ginkgo
	// CLI) would pass on to the fixture programs, which must start with only 0, 1 and 2.
	fixture.CloseOnExecInherited()

	ReportBeforeSuite(func(Report) {
		report.RecordPlatform(platform.Name())
		if cannotRun != nil {
			Fail(cannotRun.Error())
		}
	})
	BeforeEach(checkSpec)
	ReportAfterSuite("claims table", func(r Report) {
		if !r.SuiteConfig.DryRun && cannotRun == nil {
			fmt.Printf("\n%s: claims checked by this suite\n\n%s\n", name, report.Build(claims, []Report{r}, platform.Name(), false).Markdown())
		}
	})
	// Ginkgo's output interceptor (used under -p) makes pipes from a background goroutine
	// while specs run; the descriptor claims and the leak check need a table nobody else touches.
	sc.OutputInterceptorMode = "none"
	RunSpecs(t, description, sc, rc)
	// Ginkgo writes the reports with the umask's permissions; CI reads them as another user.
	for _, f := range []string{rc.JSONReport, rc.JUnitReport} {
		if _, err := os.Stat(f); f != "" && err == nil {
			report.Publish(f)
		}
	}
}

// startUp applies the profile to Ginkgo's configuration, loads the catalog and checks the
// label filter and this machine; the first problem found stops it.
func startUp(sc *types.SuiteConfig, rc *types.ReporterConfig, name string) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	if current, err = profile.Select(filepath.Join(root, "ginkgo.yaml"), os.Getenv(profile.EnvVar)); err != nil {
		return err
	}
	current.Apply(sc, rc, root, name)
	for _, f := range []string{rc.JSONReport, rc.JUnitReport} {
		if f == "" {
			continue
		}
		if err := report.Mkdir(filepath.Dir(f)); err != nil {
			return fmt.Errorf("making the reports directory: %w", err)
		}
	}
	if claims, err = catalog.Load(filepath.Join(root, "fixtures", "claims.yaml")); err != nil {
		return err
	}
	if err := claims.CheckFilter(sc.LabelFilter); err != nil {
		if _, perr := types.ParseLabelFilter(sc.LabelFilter); perr != nil {
			sc.LabelFilter = "" // Ginkgo would stop at it before any node runs, unseen under -p
		}
		return err
	}
	if sc.DryRun {
		return nil
	}
	return preflight.Check()
}

// packageName is the suite's package ("server"), read from the function that called Run:
// the suite's reports are named after it, wherever the test binary runs from.
func packageName() string {
	pc := make([]uintptr, 1)
	runtime.Callers(3, pc) // skip Callers, packageName and Run
	frame, _ := runtime.CallersFrames(pc).Next()
	fn := frame.Function // "sockspec/suites/server.TestServer"
	slash := strings.LastIndex(fn, "/")
	return strings.SplitN(fn[slash+1:], ".", 2)[0]
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

// Observed records one value the kernel showed that may differ between platforms, under a
// key that is the same on every run (no ports, no descriptors): `make compare` puts the
// values of different platforms side by side. Record with it what the catalog's per-OS
// expectations decide and the live limits a spec reads (somaxconn, the ephemeral range).
func Observed(key string, value any) { report.Observe(key, value) }

// Platform is what this suite runs on: "linux", "linux/gvisor", "darwin" or "freebsd"
// (helpers/platform). Say it wherever a spec names the OS whose rule it applied.
func Platform() string { return platform.Name() }

// Expected returns the running OS's expectations of type T (one of the types
// helpers/catalog declares in Expectations), which the catalog checked when it loaded: every
// key present and of its type. A spec may read only its own claim's expectations; a table
// may read them to make its entries (listen.backlog's backlogs).
func Expected[T any]() T {
	GinkgoHelper()
	if claims == nil { // the catalog did not load: no spec runs, the suite reports why
		var none T
		return none
	}
	v, cl, err := catalog.Expected[T](claims, platform.Name())
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
