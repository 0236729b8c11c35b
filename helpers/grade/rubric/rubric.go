// Package rubric reads an assignment's rubric (fixtures/assignments/<name>.yaml): what the
// students are told, the default build and target commands, the sandbox's limits, and per
// check its points, Gradescope visibility, parameters and the catalog claims it exercises.
// An instructor edits a copy without touching Go, so every error names the file and line.
package rubric

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"sockspec/helpers/yamlerr"
)

// Visibilities Gradescope knows, per test and for the whole result.
var Visibilities = []string{"visible", "hidden", "after_due_date", "after_published"}

// Kind is the type of a check parameter.
type Kind int

const (
	Duration Kind = iota // "3s", "30ms"
	Int                  // a positive count
	Bytes                // 1048576, "1MiB", "256KiB"
)

func (k Kind) String() string {
	return [...]string{"a duration such as 3s or 250ms", "a positive whole number", "a size such as 65536, 64KiB or 1MiB"}[k]
}

// ParamSpec is a parameter a check takes, with its default.
type ParamSpec struct {
	Name    string
	Kind    Kind
	Default string
	Doc     string
}

// CheckSpec is what an assignment says a check is: its ID and parameters.
type CheckSpec struct {
	ID     string
	Params []ParamSpec
}

// Limits bound the sandbox. Zero means the default.
type Limits struct {
	BuildSeconds    int `yaml:"build_seconds"`     // wall clock for BUILD
	CheckSeconds    int `yaml:"check_seconds"`     // wall clock for each check
	CPUSeconds      int `yaml:"cpu_seconds"`       // RLIMIT_CPU of each process
	AddressSpaceMiB int `yaml:"address_space_mib"` // RLIMIT_AS
	OpenFiles       int `yaml:"open_files"`        // RLIMIT_NOFILE
	Processes       int `yaml:"processes"`         // RLIMIT_NPROC
	FileSizeMiB     int `yaml:"file_size_mib"`     // RLIMIT_FSIZE
	OutputKiB       int `yaml:"output_kib"`        // tail kept of each output stream
}

// DefaultLimits apply where the rubric says nothing.
var DefaultLimits = Limits{BuildSeconds: 60, CheckSeconds: 20, CPUSeconds: 10, AddressSpaceMiB: 2048,
	OpenFiles: 256, Processes: 512, FileSizeMiB: 16, OutputKiB: 2}

// Rubric is a parsed rubric file.
type Rubric struct {
	File         string
	Assignment   string
	Title        string
	Instructions string
	Build        string // default build command ("" builds nothing)
	Target       string // default target command, with {port}
	Visibility   string // Gradescope's top-level visibility
	Parallel     int    // checks run at once
	Limits       Limits
	Checks       []*Check // in the rubric's order
	Warnings     []string // checks of the assignment the rubric leaves out: not run
	Platforms    Platforms
}

// Check is one check as the rubric configures it.
type Check struct {
	ID         string
	Points     float64
	Visibility string
	Claims     []string
	Line       int
	ClaimLine  int
	params     map[string]any
}

// Duration is the value of a duration parameter.
func (c *Check) Duration(name string) time.Duration { return c.param(name).(time.Duration) }

// Int is the value of a count parameter.
func (c *Check) Int(name string) int { return c.param(name).(int) }

// Bytes is the value of a size parameter.
func (c *Check) Bytes(name string) int { return c.param(name).(int) }

func (c *Check) param(name string) any {
	v, ok := c.params[name]
	if !ok {
		panic(fmt.Sprintf("check %s has no parameter %q", c.ID, name))
	}
	return v
}

// Find returns the rubric's check with id.
func (r *Rubric) Find(id string) (*Check, bool) {
	i := slices.IndexFunc(r.Checks, func(c *Check) bool { return c.ID == id })
	if i < 0 {
		return nil, false
	}
	return r.Checks[i], true
}

// MaxScore is the sum of the checks' points.
func (r *Rubric) MaxScore() float64 {
	sum := 0.0
	for _, c := range r.Checks {
		sum += c.Points
	}
	return sum
}

var topFields = []string{"assignment", "title", "instructions", "build", "target", "visibility", "parallel", "limits", "platforms", "checks"}
var checkFields = []string{"id", "points", "visibility", "claims", "params"}

// Parse checks data as the rubric file named file for the assignment whose checks are
// specs. known says whether a claim ID is in the catalog. All problems are reported.
func Parse(file string, data []byte, assignment string, specs []CheckSpec, known func(claim string) bool) (*Rubric, error) {
	p := &problems{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlerr.Locate(file, data, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.add(1, "expected a mapping with assignment, build, target and checks")
		return nil, p.err()
	}
	r := &Rubric{File: file, Visibility: "visible", Parallel: 4, Limits: DefaultLimits}
	top := doc.Content[0]
	var checks *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "assignment":
			r.Assignment = p.str(v, "assignment")
		case "title":
			r.Title = p.str(v, "title")
		case "instructions":
			r.Instructions = p.str(v, "instructions")
		case "build":
			r.Build = p.str(v, "build")
		case "target":
			r.Target = p.str(v, "target")
		case "visibility":
			r.Visibility = p.visibility(v)
		case "parallel":
			r.Parallel = p.positive(v, "parallel")
		case "limits":
			p.limits(v, &r.Limits)
		case "platforms":
			p.platforms(v, &r.Platforms)
		case "checks":
			checks = v
		default:
			p.add(k.Line, "unknown key %q (known: %s)", k.Value, strings.Join(topFields, ", "))
		}
	}
	if r.Assignment != assignment {
		p.add(top.Line, "this rubric is for assignment %q, not %q", r.Assignment, assignment)
	}
	if strings.TrimSpace(r.Target) == "" {
		p.add(top.Line, "no target: the command that starts a submission's server, with {port}")
	}
	if checks == nil || checks.Kind != yaml.SequenceNode || len(checks.Content) == 0 {
		p.add(top.Line, "checks must be a list of checks (id, points, visibility, claims, params)")
		return nil, p.err()
	}
	seen := map[string]int{}
	for _, n := range checks.Content {
		c := p.check(n, specs, known)
		if c == nil {
			continue
		}
		if first, dup := seen[c.ID]; dup {
			p.add(c.Line, "check %q is listed twice (first at line %d)", c.ID, first)
			continue
		}
		seen[c.ID] = c.Line
		r.Checks = append(r.Checks, c)
	}
	for _, s := range specs {
		if _, ok := seen[s.ID]; !ok {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: check %q of %s is not in the rubric, so it is not run", file, s.ID, assignment))
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return r, nil
}

func (p *problems) check(n *yaml.Node, specs []CheckSpec, known func(string) bool) *Check {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "each check must be a mapping with id, points, visibility, claims, params")
		return nil
	}
	c := &Check{Line: n.Line, params: map[string]any{}} // no visibility: the top level's applies
	var params *yaml.Node
	hasPoints := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "id":
			c.ID = p.str(v, "id")
		case "points":
			hasPoints = true
			f, err := strconv.ParseFloat(v.Value, 64)
			if v.Kind != yaml.ScalarNode || err != nil || f < 0 {
				p.add(v.Line, "points must be a number ≥ 0, not %q", v.Value)
			}
			c.Points = f
		case "visibility":
			c.Visibility = p.visibility(v)
		case "claims":
			c.ClaimLine = v.Line
			if v.Kind != yaml.SequenceNode {
				p.add(v.Line, "claims must be a list of claim IDs of fixtures/claims.yaml")
				continue
			}
			for _, cl := range v.Content {
				if known != nil && !known(cl.Value) {
					p.add(cl.Line, "unknown claim %q: not in the catalog (fixtures/claims.yaml)", cl.Value)
				}
				c.Claims = append(c.Claims, cl.Value)
			}
		case "params":
			params = v
		default:
			p.add(k.Line, "unknown field %q of a check (known: %s)", k.Value, strings.Join(checkFields, ", "))
		}
	}
	if c.ID == "" {
		p.add(n.Line, "a check without id")
		return nil
	}
	i := slices.IndexFunc(specs, func(s CheckSpec) bool { return s.ID == c.ID })
	if i < 0 {
		ids := make([]string, len(specs))
		for j, s := range specs {
			ids[j] = s.ID
		}
		p.add(n.Line, "unknown check %q (known checks: %s)", c.ID, strings.Join(ids, ", "))
		return nil
	}
	if !hasPoints {
		p.add(n.Line, "check %s has no points", c.ID)
	}
	spec := specs[i]
	given := map[string]*yaml.Node{}
	if params != nil {
		if params.Kind != yaml.MappingNode {
			p.add(params.Line, "params of check %s must be a mapping of name: value", c.ID)
		} else {
			for j := 0; j+1 < len(params.Content); j += 2 {
				k := params.Content[j]
				if !slices.ContainsFunc(spec.Params, func(ps ParamSpec) bool { return ps.Name == k.Value }) {
					p.add(k.Line, "check %s has no parameter %q (it takes: %s)", c.ID, k.Value, paramNames(spec.Params))
					continue
				}
				given[k.Value] = params.Content[j+1]
			}
		}
	}
	for _, ps := range spec.Params {
		text, line := ps.Default, n.Line
		if v, ok := given[ps.Name]; ok {
			text, line = v.Value, v.Line
		}
		val, err := ParseValue(ps.Kind, text)
		if err != nil {
			p.add(line, "check %s, parameter %s: %v", c.ID, ps.Name, err)
			continue
		}
		c.params[ps.Name] = val
	}
	return c
}

func paramNames(ps []ParamSpec) string {
	if len(ps) == 0 {
		return "no parameters"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

var sizePattern = regexp.MustCompile(`^(\d+)\s*(B|KiB|MiB)?$`)

// ParseValue reads a parameter's text as kind.
func ParseValue(kind Kind, text string) (any, error) {
	switch kind {
	case Duration:
		d, err := time.ParseDuration(text)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q is not %s", text, kind)
		}
		return d, nil
	case Int:
		n, err := strconv.Atoi(text)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not %s", text, kind)
		}
		return n, nil
	default:
		m := sizePattern.FindStringSubmatch(text)
		if m == nil {
			return nil, fmt.Errorf("%q is not %s", text, kind)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not %s", text, kind)
		}
		switch m[2] {
		case "KiB":
			n <<= 10
		case "MiB":
			n <<= 20
		}
		return n, nil
	}
}

func (p *problems) limits(n *yaml.Node, l *Limits) {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "limits must be a mapping (build_seconds, check_seconds, cpu_seconds, address_space_mib, open_files, processes, file_size_mib, output_kib)")
		return
	}
	fields := map[string]*int{"build_seconds": &l.BuildSeconds, "check_seconds": &l.CheckSeconds, "cpu_seconds": &l.CPUSeconds,
		"address_space_mib": &l.AddressSpaceMiB, "open_files": &l.OpenFiles, "processes": &l.Processes,
		"file_size_mib": &l.FileSizeMiB, "output_kib": &l.OutputKiB}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		dst, ok := fields[k.Value]
		if !ok {
			names := make([]string, 0, len(fields))
			for f := range fields {
				names = append(names, f)
			}
			slices.Sort(names)
			p.add(k.Line, "unknown limit %q (known: %s)", k.Value, strings.Join(names, ", "))
			continue
		}
		*dst = p.positive(v, "limits."+k.Value)
	}
	if l.AddressSpaceMiB > 0 && l.AddressSpaceMiB < 1024 {
		p.add(n.Line, "limits.address_space_mib is %d; threaded servers reserve hundreds of MiB of address space, so give at least 1024", l.AddressSpaceMiB)
	}
}

func (p *problems) str(v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode {
		p.add(v.Line, "%s must be text", what)
		return ""
	}
	return v.Value
}

func (p *problems) positive(v *yaml.Node, what string) int {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || n <= 0 {
		p.add(v.Line, "%s must be a positive whole number, not %q", what, v.Value)
	}
	return n
}

func (p *problems) visibility(v *yaml.Node) string {
	if !slices.Contains(Visibilities, v.Value) {
		p.add(v.Line, "visibility %q must be one of %s", v.Value, strings.Join(Visibilities, ", "))
	}
	return v.Value
}

type problems struct {
	file string
	list []string
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(p.list, "\n"))
}
