package catalog

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sys/unix"

	"sockspec/helpers/errno"
)

// Expectations declares, for each claim whose specs read per-OS values from its expect
// block, the Go type those values decode into. Loading the catalog checks every such claim
// against it: a block for each OS of OSes, each key of the type in every block (a key whose
// yaml tag says omitempty may be left out), no other key, each value of its type. A claim
// not listed here must have no expect block. Specs read the values with Expected.
var Expectations = map[string]any{
	"socket.transport-layer": Transport{},
	"server.sequence":        Sequence{},
	"socket.no-peer":         NoPeer{},
	"bind.addrinuse":         AddrInUse{},
	"listen.passive":         Passive{},
	"listen.backlog":         Backlog{},
	"accept.child-socket":    ChildSocket{},
}

// Transport is socket.transport-layer's expectation.
type Transport struct {
	// Whether getsockopt(SO_PROTOCOL) exists: the socket names its transport protocol.
	SoProtocol bool `yaml:"so_protocol"`
}

// Sequence is server.sequence's expectation.
type Sequence struct {
	// How a non-blocking connect() to a TCP socket that is bound but not listening ends.
	ConnectBoundNotListening ConnectOutcome `yaml:"connect_bound_not_listening"`
}

// NoPeer is socket.no-peer's expectation.
type NoPeer struct {
	// What write(2) on a fresh, never connected TCP socket fails with.
	WriteUnconnectedTCP Errno `yaml:"write_unconnected_tcp"`
	// Whether getsockopt(SO_DOMAIN) exists: the socket names its address family.
	SoDomain bool `yaml:"so_domain"`
}

// Passive is listen.passive's expectation: what getsockopt(SO_ACCEPTCONN) answers.
type Passive struct {
	SoAcceptconn AcceptconnAnswers `yaml:"so_acceptconn"`
}

// AcceptconnAnswers are getsockopt(SO_ACCEPTCONN)'s answers on a bound TCP socket before
// and after listen().
type AcceptconnAnswers struct {
	BeforeListen SockoptAnswer `yaml:"before_listen"`
	AfterListen  SockoptAnswer `yaml:"after_listen"`
}

// AddrInUse is bind.addrinuse's expectation: the OS's SO_REUSEADDR rules.
type AddrInUse struct {
	// Both sockets set SO_REUSEADDR and bind 127.0.0.1:P, neither listening.
	ReuseaddrSameAddress ReuseSameAddress `yaml:"reuseaddr_same_address"`
	// A socket with SO_REUSEADDR binds 127.0.0.1:P while 0.0.0.0:P listens.
	ReuseaddrSpecificUnderWildcardListener Outcome `yaml:"reuseaddr_specific_under_wildcard_listener"`
}

// ReuseSameAddress is the outcome of the second bind and, where it succeeds, of the
// second listen.
type ReuseSameAddress struct {
	Bind         Outcome `yaml:"bind"`
	SecondListen Outcome `yaml:"second_listen,omitempty"` // given exactly when Bind is ok
}

func (r ReuseSameAddress) check() error {
	switch {
	case r.Bind.OK() && r.SecondListen == "":
		return fmt.Errorf("bind is ok, so second_listen must say what the second listen() returns")
	case !r.Bind.OK() && r.SecondListen != "":
		return fmt.Errorf("bind fails with %s, so there is no second listen(): remove second_listen", r.Bind)
	}
	return nil
}

// Backlog is listen.backlog's expectation. The keys of CompletedBeforeAccept are the
// backlogs the specs try, one table entry each.
type Backlog struct {
	Rule                  string           `yaml:"rule"` // the OS's formula, for messages
	CompletedBeforeAccept map[int]QueueLen `yaml:"completed_before_accept"`
	BeyondLimit           BeyondLimit      `yaml:"beyond_limit"`
}

func (b Backlog) check() error {
	if len(b.CompletedBeforeAccept) == 0 {
		return fmt.Errorf("completed_before_accept lists no backlog")
	}
	for backlog, n := range b.CompletedBeforeAccept {
		if backlog < 0 {
			return fmt.Errorf("completed_before_accept %d: a backlog is 0 or more", backlog)
		}
		if n == Somaxconn && backlog != 0 {
			return fmt.Errorf("completed_before_accept %d: somaxconn: the kernel's limit stands in only for a backlog of 0 (a backlog below the limit is kept)", backlog)
		}
	}
	return nil
}

// QueueLen is how many connections complete before accept(): a number, or "somaxconn",
// the live value of the kernel's limit (kern.ipc.somaxconn), which macOS puts in place of
// a backlog of 0.
type QueueLen string

// Somaxconn is the QueueLen that reads the kernel's limit.
const Somaxconn QueueLen = "somaxconn"

func (q *QueueLen) UnmarshalYAML(n *yaml.Node) error {
	var v int
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Decode(&v) == nil && v >= 1 {
		*q = QueueLen(strconv.Itoa(v))
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Value == string(Somaxconn) {
		*q = Somaxconn
		return nil
	}
	return fmt.Errorf("%q is neither a number of connections (1 or more) nor somaxconn", n.Value)
}

// Count is the number of connections, given the kernel's limit somaxconn.
func (q QueueLen) Count(somaxconn int) int {
	if q == Somaxconn {
		return somaxconn
	}
	n, _ := strconv.Atoi(string(q))
	return n
}

// Completed is how many clients complete before accept() with backlog b, given the
// kernel's limit somaxconn (read live by the spec).
func (b Backlog) Completed(backlog, somaxconn int) int {
	return b.CompletedBeforeAccept[backlog].Count(somaxconn)
}

// Backlogs are the backlogs of CompletedBeforeAccept, in increasing order.
func (b Backlog) Backlogs() []int {
	out := make([]int, 0, len(b.CompletedBeforeAccept))
	for backlog := range b.CompletedBeforeAccept {
		out = append(out, backlog)
	}
	slices.Sort(out)
	return out
}

// BeyondLimit is what happens to the client that arrives when the accept queue is full.
type BeyondLimit string

const (
	StaysInProgress    BeyondLimit = "stays-in-progress"    // its SYN is dropped; it completes once accept() made room
	CompletesThenReset BeyondLimit = "completes-then-reset" // the handshake completes, then the server resets it
)

func (b *BeyondLimit) UnmarshalYAML(n *yaml.Node) error {
	return oneOf(n, b, StaysInProgress, CompletesThenReset)
}

// ConnectOutcome is how a non-blocking connect() ends: "ok", an errno name it fails with,
// or "stays-in-progress" (no answer at all while the spec watches: the SYN was dropped).
type ConnectOutcome string

const (
	ConnectOK              ConnectOutcome = "ok"
	ConnectStaysInProgress ConnectOutcome = "stays-in-progress"
)

func (c *ConnectOutcome) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && (n.Value == string(ConnectOK) || n.Value == string(ConnectStaysInProgress)) {
		*c = ConnectOutcome(n.Value)
		return nil
	}
	var e Errno
	if err := e.UnmarshalYAML(n); err != nil {
		return fmt.Errorf("expected ok, stays-in-progress or an errno name: %w", err)
	}
	*c = ConnectOutcome(e)
	return nil
}

// Answered tells whether the kernel answers the connect at all (so the spec waits for the
// answer rather than watching for one that must not come).
func (c ConnectOutcome) Answered() bool { return c != ConnectStaysInProgress }

// SockoptAnswer is what getsockopt answers: an integer value ("1"), or the errno name it
// fails with ("ENOPROTOOPT").
type SockoptAnswer string

func (a *SockoptAnswer) UnmarshalYAML(n *yaml.Node) error {
	var v int
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Decode(&v) == nil {
		*a = SockoptAnswer(strconv.Itoa(v))
		return nil
	}
	var e Errno
	if err := e.UnmarshalYAML(n); err != nil {
		return fmt.Errorf("expected an integer or an errno name: %w", err)
	}
	*a = SockoptAnswer(e)
	return nil
}

// ChildSocket is accept.child-socket's expectation.
type ChildSocket struct {
	ChildInheritsNonblock bool `yaml:"child_inherits_nonblock"`
}

// Errno is an errno name valid on every OS of the catalog (errno.Portable): "EADDRINUSE".
type Errno string

func (e *Errno) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected an errno name such as EADDRINUSE")
	}
	if _, err := errno.Parse(n.Value); err != nil {
		return err
	}
	*e = Errno(n.Value)
	return nil
}

// Value is the errno on the running OS.
func (e Errno) Value() unix.Errno { return errno.Portable[string(e)] }

// Outcome is what a call returns: "ok", or the errno name it fails with.
type Outcome string

// OutcomeOK is the outcome of a call that succeeds.
const OutcomeOK Outcome = "ok"

func (o *Outcome) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == string(OutcomeOK) {
		*o = OutcomeOK
		return nil
	}
	var e Errno
	if err := e.UnmarshalYAML(n); err != nil {
		return fmt.Errorf("expected ok or an errno name: %w", err)
	}
	*o = Outcome(e)
	return nil
}

// OK tells whether the call succeeds.
func (o Outcome) OK() bool { return o == OutcomeOK }

// Errno is the errno the call fails with (0 when it succeeds).
func (o Outcome) Errno() unix.Errno {
	if o.OK() {
		return 0
	}
	return Errno(o).Value()
}

// oneOf decodes the scalar n into *out if it is one of the allowed values.
func oneOf[T ~string](n *yaml.Node, out *T, allowed ...T) error {
	if n.Kind == yaml.ScalarNode && slices.Contains(allowed, T(n.Value)) {
		*out = T(n.Value)
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return fmt.Errorf("%q is not one of %s", n.Value, strings.Join(names, ", "))
}

// checker is a declared expectation type with rules across its keys.
type checker interface{ check() error }

// Expected returns catalog c's expectation of type T for platform p (helpers/platform: a
// GOOS, or "linux/gvisor", which reads the claim's gvisor block where it has one, else
// linux's), and the claim that declares T in Expectations.
func Expected[T any](c *Catalog, p string) (T, *Claim, error) {
	var zero T
	t := reflect.TypeFor[T]()
	var id string
	for claim, v := range Expectations {
		if reflect.TypeOf(v) == t {
			id = claim
		}
	}
	if id == "" {
		return zero, nil, fmt.Errorf("no claim declares expectations of type %v (helpers/catalog Expectations)", t)
	}
	cl, ok := c.ByID(id)
	if !ok {
		return zero, nil, fmt.Errorf("%s has no claim %s, which declares expectations of type %v", c.File, id, t)
	}
	block, os := blockOf(p)
	v, ok := cl.expect[block]
	if !ok {
		v, ok = cl.expect[os]
	}
	if !ok {
		return zero, cl, fmt.Errorf("%s: claim %s gives no expectations for %s (it covers %s)", c.File, id, p, strings.Join(OSes, ", "))
	}
	return v.(T), cl, nil
}

// Varies tells whether claim cl's expectations for platform p are a variant's own (its
// gvisor block), not its OS's.
func (cl *Claim) Varies(p string) bool {
	block, os := blockOf(p)
	_, ok := cl.expect[block]
	return ok && block != os
}

// expectations checks claim cl's expect block n against its declared type and keeps the
// decoded values per OS and variant.
func (p *problems) expectations(cl *Claim, n *yaml.Node, line int) {
	decl, declared := Expectations[cl.ID]
	known := append(slices.Clone(OSes), slices.Sorted(maps.Keys(Variants))...)
	switch {
	case !declared && n.Kind == 0:
		return
	case !declared:
		p.add(line, "claim %s has an expect block, but no spec reads it: helpers/catalog declares no expectations for %s", cl.ID, cl.ID)
		return
	case n.Kind == 0:
		p.add(line, "claim %s has no expect block; its specs read %s for each of %s", cl.ID, keys(reflect.TypeOf(decl)), strings.Join(OSes, ", "))
		return
	case n.Kind != yaml.MappingNode:
		p.add(n.Line, "claim %s: expect must map each OS (%s) to its values", cl.ID, strings.Join(OSes, ", "))
		return
	}
	cl.expect = map[string]any{}
	given := map[string]bool{}
	var variants []int // indexes of the variants' keys, decoded once their OS's block is
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(known, k.Value) {
			p.add(k.Line, "claim %s: expectation for unknown OS %q (known: %s)", cl.ID, k.Value, strings.Join(known, ", "))
			continue
		}
		if given[k.Value] {
			p.add(k.Line, "claim %s: expect.%s given twice", cl.ID, k.Value)
			continue
		}
		given[k.Value] = true
		if _, isVariant := Variants[k.Value]; isVariant {
			variants = append(variants, i)
			continue
		}
		val := reflect.New(reflect.TypeOf(decl)).Elem()
		if p.decode(fmt.Sprintf("claim %s, expect.%s", cl.ID, k.Value), k.Line, v, val, false) {
			cl.expect[k.Value] = val.Interface()
		}
	}
	for _, goos := range OSes {
		if !given[goos] {
			p.add(line, "claim %s: expect has no block for %s; every OS of the catalog (%s) needs one", cl.ID, goos, strings.Join(OSes, ", "))
		}
	}
	for _, i := range variants {
		k, v := n.Content[i], n.Content[i+1]
		base, ok := cl.expect[Variants[k.Value]]
		if !ok {
			continue // its OS's block has a problem of its own, reported above
		}
		if !slices.ContainsFunc(cl.Sources, func(s string) bool { return strings.Contains(strings.ToLower(s), k.Value) }) {
			p.add(k.Line, "claim %s: expect.%s differs from %s, so the claim's sources must cite %s's own code or issue (no source names %s)", cl.ID, k.Value, Variants[k.Value], k.Value, k.Value)
		}
		val := reflect.New(reflect.TypeOf(decl)).Elem()
		val.Set(reflect.ValueOf(base))
		if p.decode(fmt.Sprintf("claim %s, expect.%s", cl.ID, k.Value), k.Line, v, val, true) {
			if reflect.DeepEqual(val.Interface(), base) {
				p.add(k.Line, "claim %s: expect.%s gives the same values as %s: remove it (a variant lists only what differs)", cl.ID, k.Value, Variants[k.Value])
				continue
			}
			cl.expect[k.Value] = val.Interface()
		}
	}
}

// decode fills out (a struct) from the mapping n, given under a key at line at, key by
// key, and reports each unknown, mistyped or (at line at) missing key. It tells whether out
// is complete and valid. With partial (a variant's block), out holds its OS's values and a
// key left out keeps its value; a key given replaces it whole.
func (p *problems) decode(where string, at int, n *yaml.Node, out reflect.Value, partial bool) bool {
	before := len(p.list)
	t := out.Type()
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		n = &yaml.Node{Kind: yaml.MappingNode} // a block left empty: every key is missing
	}
	if n.Kind != yaml.MappingNode {
		p.add(at, "%s: expected a mapping with the keys %s", where, keys(t))
		return false
	}
	given := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := field(t, k.Value)
		if !ok {
			p.add(k.Line, "%s: unknown key %q (known: %s)", where, k.Value, keys(t))
			continue
		}
		if given[k.Value] {
			p.add(k.Line, "%s: key %q given twice", where, k.Value)
			continue
		}
		given[k.Value] = true
		dst := out.FieldByIndex(f.Index)
		dst.SetZero()
		if dst.Kind() == reflect.Struct {
			p.decode(where+"."+k.Value, k.Line, v, dst, false)
			continue
		}
		if err := v.Decode(dst.Addr().Interface()); err != nil {
			line, msg := v.Line, err.Error()
			if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
				fmt.Sscanf(te.Errors[0], "line %d:", &line)
				_, msg, _ = strings.Cut(te.Errors[0], ": ")
			}
			p.add(line, "%s.%s: %s", where, k.Value, msg)
		}
	}
	for i := range t.NumField() {
		name, optional := tag(t.Field(i))
		if !given[name] && !optional && !partial {
			p.add(at, "%s: missing key %q (%s)", where, name, t.Field(i).Type)
		}
	}
	if len(p.list) > before {
		return false
	}
	if c, ok := out.Interface().(checker); ok {
		if err := c.check(); err != nil {
			p.add(at, "%s: %v", where, err)
			return false
		}
	}
	return true
}

// tag returns a field's key and whether it may be left out.
func tag(f reflect.StructField) (name string, optional bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name, opts == "omitempty"
}

func field(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if name, _ := tag(t.Field(i)); name == key {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

func keys(t reflect.Type) string {
	var names []string
	for i := range t.NumField() {
		name, _ := tag(t.Field(i))
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}
