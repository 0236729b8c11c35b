// Package catalog loads fixtures/claims.yaml: every claim of the tutorial that sockspec
// checks, with the tutorial's sentence, the verdict and what each OS is expected to do.
// Errors always name the file and line, because students and CI both edit this file.
package catalog

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"sockspec/helpers/platform"
	"sockspec/helpers/yamlerr"
)

// LabelPrefix starts the Ginkgo label that ties a spec to a claim: "claim:fd.no-lseek".
const LabelPrefix = "claim:"

// Verdicts a claim can have.
const (
	Holds     = "holds"     // the kernel does what the tutorial says
	Qualified = "qualified" // true, but the wording or reasoning needs the correction
	Refuted   = "refuted"   // the kernel does something else; the specs assert what
)

// Sections of the tutorial, in its order.
var Sections = []string{"Network IPC", "Socket in the OS", "HTTP and Socket", "Socket vs Web Socket"}

// OSes an expectation must be given for (GOOS names).
var OSes = []string{"linux", "darwin", "freebsd"}

// Variants are kernels that run under an OS's name, each with the OS it stands in for:
// gVisor answers Linux's system calls with its own implementation. A variant's block is
// optional and lists only the keys whose value differs from its OS's; each replaces that
// OS's value whole. A claim with one must cite the variant's own source (gVisor code or
// issue) among its sources.
var Variants = map[string]string{"gvisor": "linux"}

// blockOf is the expect block a platform reads ("linux/gvisor" → gvisor) and the OS block
// it falls back on.
func blockOf(p string) (block, os string) {
	if p == platform.GVisor {
		return "gvisor", platform.Linux
	}
	return p, p
}

// Claim is one testable sentence of the tutorial.
type Claim struct {
	ID         string    `yaml:"id"`
	Section    string    `yaml:"section"`
	Seed       string    `yaml:"seed"`      // the tutorial's sentence, verbatim
	Statement  string    `yaml:"statement"` // what the specs assert, in English
	Verdict    string    `yaml:"verdict"`
	Correction string    `yaml:"correction"` // one line, where the verdict is not "holds"
	Note       string    `yaml:"note"`
	Expect     yaml.Node `yaml:"expect"` // GOOS -> key -> value, as written; specs read them with Expected
	Sources    []string  `yaml:"sources"`
	Planned    string    `yaml:"planned"` // the issue that will add its specs, while it has none

	File string `yaml:"-"`
	Line int    `yaml:"-"`

	expect map[string]any // GOOS or variant -> the checked value, of the type declared in Expectations
}

// Catalog is the loaded claims file.
type Catalog struct {
	File   string
	Claims []*Claim
	byID   map[string]*Claim
}

// Load reads and checks a claims file.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var claimFields = []string{"id", "section", "seed", "statement", "verdict", "correction", "note", "expect", "sources", "planned"}
var idPattern = regexp.MustCompile(`^[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$`)

// Parse checks data as a claims file named file. All problems are reported, one per line.
func Parse(file string, data []byte) (*Catalog, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlerr.Locate(file, data, err)
	}
	p := &problems{file: file}
	c := &Catalog{File: file, byID: map[string]*Claim{}}
	if len(doc.Content) == 0 {
		p.add(1, "the file is empty; expected a mapping with the key \"claims\"")
		return nil, p.err()
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		p.add(top.Line, "expected a mapping with the key \"claims\"")
		return nil, p.err()
	}
	var list *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "claims" {
			p.add(k.Line, "unknown top-level key %q (only \"claims\")", k.Value)
			continue
		}
		list = v
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		p.add(top.Line, "\"claims\" must be a list of claims")
		return nil, p.err()
	}
	for _, n := range list.Content {
		if cl := p.claim(n); cl != nil {
			if prev, dup := c.byID[cl.ID]; dup {
				p.add(cl.Line, "claim %q is listed twice (first at line %d)", cl.ID, prev.Line)
				continue
			}
			c.byID[cl.ID] = cl
			c.Claims = append(c.Claims, cl)
		}
	}
	if len(c.Claims) == 0 && len(p.list) == 0 {
		p.add(list.Line, "the catalog lists no claims")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *problems) claim(n *yaml.Node) *Claim {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "each claim must be a mapping with id, section, seed, statement, verdict, sources")
		return nil
	}
	at := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(claimFields, k.Value) {
			p.add(k.Line, "unknown field %q (known: %s)", k.Value, strings.Join(claimFields, ", "))
			continue
		}
		at[k.Value] = k.Line
	}
	cl := &Claim{File: p.file, Line: n.Line}
	if err := n.Decode(cl); err != nil {
		p.addErr(err)
		return nil
	}
	line := func(field string) int {
		if l, ok := at[field]; ok {
			return l
		}
		return n.Line
	}
	name := cl.ID
	if name == "" {
		name = "at line " + strconv.Itoa(n.Line)
	}
	for _, f := range []struct{ key, val string }{
		{"id", cl.ID}, {"section", cl.Section}, {"seed", cl.Seed}, {"statement", cl.Statement}, {"verdict", cl.Verdict},
	} {
		if strings.TrimSpace(f.val) == "" {
			p.add(line(f.key), "claim %s has no %s", name, f.key)
		}
	}
	if cl.ID != "" && !idPattern.MatchString(cl.ID) {
		p.add(line("id"), "claim ID %q must look like area.name (lower case, dots and dashes)", cl.ID)
	}
	if cl.Section != "" && !slices.Contains(Sections, cl.Section) {
		p.add(line("section"), "claim %s: unknown section %q (known: %s)", name, cl.Section, strings.Join(Sections, ", "))
	}
	switch cl.Verdict {
	case Holds:
		if cl.Correction != "" {
			p.add(line("correction"), "claim %s holds, so it takes no correction (use note)", name)
		}
	case Qualified, Refuted:
		if strings.TrimSpace(cl.Correction) == "" {
			p.add(line("verdict"), "claim %s is %s but has no correction", name, cl.Verdict)
		}
	case "":
	default:
		p.add(line("verdict"), "claim %s: verdict %q must be holds, qualified or refuted", name, cl.Verdict)
	}
	if strings.Contains(strings.TrimSpace(cl.Correction), "\n") {
		p.add(line("correction"), "claim %s: the correction must be one line", name)
	}
	if len(cl.Sources) == 0 {
		p.add(line("sources"), "claim %s has no sources", name)
	}
	if cl.ID != "" {
		p.expectations(cl, &cl.Expect, line("expect"))
	}
	return cl
}

// ByID returns the claim with the given ID.
func (c *Catalog) ByID(id string) (*Claim, bool) {
	cl, ok := c.byID[id]
	return cl, ok
}

// ClaimOf checks a spec's labels: exactly one "claim:<ID>" label naming a claim of the catalog.
func (c *Catalog) ClaimOf(labels []string) (*Claim, error) {
	var ids []string
	for _, l := range labels {
		if id, ok := strings.CutPrefix(l, LabelPrefix); ok {
			ids = append(ids, id)
		}
	}
	switch len(ids) {
	case 0:
		return nil, fmt.Errorf("the spec has no %s<ID> label; every spec checks one claim of %s", LabelPrefix, c.File)
	case 1:
	default:
		return nil, fmt.Errorf("the spec has %d claim labels (%s); give it exactly one", len(ids), strings.Join(ids, ", "))
	}
	cl, ok := c.byID[ids[0]]
	if !ok {
		return nil, fmt.Errorf("unknown claim ID %q: the label %s%s names no claim in %s", ids[0], LabelPrefix, ids[0], c.File)
	}
	return cl, nil
}

type problems struct {
	file string
	list []string
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

func (p *problems) addErr(err error) {
	p.list = append(p.list, yamlerr.Locate(p.file, nil, err).Error())
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(p.list, "\n"))
}
