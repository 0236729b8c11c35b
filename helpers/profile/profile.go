// Package profile reads the run profiles in ginkgo.yaml and applies one to Ginkgo's
// configuration. The ginkgo CLI reads no config file, so each suite does this at start-up.
package profile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"go.yaml.in/yaml/v3"

	"sockspec/helpers/yamlerr"
)

// EnvVar names the profile to use; DefaultName is used when it is empty.
const (
	EnvVar      = "SOCKSPEC_PROFILE"
	DefaultName = "default"
	// ReportsEnv, when set, replaces the profile's reports.dir (make REPORTS=out/gvisor), so
	// runs on different platforms keep their reports apart for make compare.
	ReportsEnv = "SOCKSPEC_REPORTS"
)

// Profile is one entry of ginkgo.yaml.
type Profile struct {
	Name              string   `yaml:"-"`
	LabelFilter       string   `yaml:"label_filter"`
	Timeout           Duration `yaml:"timeout"`
	PollProgressAfter Duration `yaml:"poll_progress_after"`
	MustHappenWithin  Duration `yaml:"must_happen_within"`  // the bound for anything that must happen
	MustNotHappenFor  Duration `yaml:"must_not_happen_for"` // how long to watch for anything that must not
	RandomizeAll      bool     `yaml:"randomize_all"`
	FailOnPending     bool     `yaml:"fail_on_pending"`
	FailOnUnchecked   bool     `yaml:"fail_on_unchecked"` // a claim no spec passed fails, unless skipped for a declared environment reason
	Reports           Reports  `yaml:"reports"`
}

// Reports names the report files. Dir is relative to the data root (repo.Root), or absolute.
type Reports struct {
	Dir    string `yaml:"dir"`
	JSON   string `yaml:"json"`
	JUnit  string `yaml:"junit"`
	Claims string `yaml:"claims"`
}

// Duration is a time.Duration written as "50ms" in YAML.
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 50ms or 2m", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// Select loads path and returns the profile called name ("" means DefaultName).
func Select(path, name string) (Profile, error) {
	if name == "" {
		name = DefaultName
	}
	all, err := Load(path)
	if err != nil {
		return Profile{}, err
	}
	p, ok := all[name]
	if !ok {
		known := make([]string, 0, len(all))
		for n := range all {
			known = append(known, n)
		}
		slices.Sort(known)
		return Profile{}, fmt.Errorf("%s: unknown profile %q (from %s); known profiles: %s", path, name, EnvVar, strings.Join(known, ", "))
	}
	if dir := os.Getenv(ReportsEnv); dir != "" {
		p.Reports.Dir = dir
	}
	return p, nil
}

// Load reads every profile of path, checking each field.
func Load(path string) (map[string]Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Profiles map[string]Profile `yaml:"profiles"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, yamlerr.Locate(path, data, err)
	}
	if len(file.Profiles) == 0 {
		return nil, fmt.Errorf("%s: no profiles (expected a mapping \"profiles\" with at least %q)", path, DefaultName)
	}
	var problems []string
	for name, p := range file.Profiles {
		p.Name = name
		file.Profiles[name] = p
		for _, req := range []struct {
			field string
			ok    bool
		}{
			{"timeout", p.Timeout.Duration > 0},
			{"must_not_happen_for", p.MustNotHappenFor.Duration > 0},
			{"must_happen_within", p.MustHappenWithin.Duration > p.MustNotHappenFor.Duration},
			{"reports.dir", p.Reports.Dir != ""},
			{"reports.json", p.Reports.JSON != ""},
			{"reports.junit", p.Reports.JUnit != ""},
			{"reports.claims", p.Reports.Claims != ""},
		} {
			if !req.ok {
				problems = append(problems, fmt.Sprintf("%s: profile %q: %s is missing or not positive (must_happen_within must exceed must_not_happen_for)", path, name, req.field))
			}
		}
		if p.LabelFilter != "" {
			if _, err := types.ParseLabelFilter(p.LabelFilter); err != nil {
				problems = append(problems, fmt.Sprintf("%s: profile %q: label_filter %q: %v", path, name, p.LabelFilter, err))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return file.Profiles, nil
}

// Ginkgo's defaults, used to tell "not given on the command line" from an explicit flag.
var defaults = types.NewDefaultSuiteConfig()

// Apply sets Ginkgo's configuration for one suite from the profile. root is the module
// root; suite names the suite's own report files.
func (p Profile) Apply(s *types.SuiteConfig, r *types.ReporterConfig, root, suite string) {
	switch {
	case p.LabelFilter == "":
	case s.LabelFilter == "":
		s.LabelFilter = p.LabelFilter
	default:
		s.LabelFilter = fmt.Sprintf("(%s) && (%s)", p.LabelFilter, s.LabelFilter)
	}
	if s.Timeout == defaults.Timeout {
		s.Timeout = p.Timeout.Duration
	}
	if s.PollProgressAfter == defaults.PollProgressAfter {
		s.PollProgressAfter = p.PollProgressAfter.Duration
	}
	s.RandomizeAllSpecs = s.RandomizeAllSpecs || p.RandomizeAll
	s.FailOnPending = s.FailOnPending || p.FailOnPending
	if r.JSONReport == "" && r.JUnitReport == "" {
		r.JSONReport = filepath.Join(p.SuiteReportDir(root), suite+".json")
		r.JUnitReport = filepath.Join(p.SuiteReportDir(root), suite+".xml")
	}
}

// Dir is the reports directory: reports.dir under the data root, or reports.dir itself
// when it is an absolute path.
func (p Profile) Dir(root string) string {
	if filepath.IsAbs(p.Reports.Dir) {
		return filepath.Clean(p.Reports.Dir)
	}
	return filepath.Join(root, p.Reports.Dir)
}

// SuiteReportDir is where each suite writes its own reports before they are merged.
func (p Profile) SuiteReportDir(root string) string {
	return filepath.Join(p.Dir(root), "suites")
}

// Path returns the absolute path of one of the merged report files.
func (p Profile) Path(root, file string) string {
	return filepath.Join(p.Dir(root), file)
}
