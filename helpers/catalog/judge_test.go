package catalog

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"sockspec/helpers/fdtable"
)

// The specs' decisions, fed the real catalog's value for every OS and what each OS's kernel
// answers (from the sources the catalog cites), in this machine's errno numbering. Each
// OS's own answers must pass; another OS's answers must fail wherever the two differ, so a
// spec reading the wrong OS's value, or a decision that ignores the value, goes red here.

func loadReal(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(realCatalog)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func expected[T any](t *testing.T, c *Catalog, goos string) T {
	t.Helper()
	v, _, err := Expected[T](c, goos)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var refused = os.NewSyscallError("connect", unix.ECONNREFUSED)

// server.sequence: a connect to a bound socket that is not listening.
func TestJudgeConnectBoundNotListening(t *testing.T) {
	c := loadReal(t)
	type seen struct {
		done bool
		err  error
	}
	kernel := map[string]seen{
		"linux":   {true, refused}, // tcp_v4_send_reset
		"freebsd": {true, refused}, // tcp_input_with_port: TCPS_CLOSED → dropwithreset
		"darwin":  {false, nil},    // tcp_input: TCPS_CLOSED → drop, no reply
	}
	for _, goos := range OSes {
		want := expected[Sequence](t, c, goos).ConnectBoundNotListening
		if want.Answered() != kernel[goos].done {
			t.Errorf("%s: Answered() = %v, but the kernel answers: %v", goos, want.Answered(), kernel[goos].done)
		}
		for other, s := range kernel {
			err := want.Judge(s.done, s.err)
			same := s == kernel[goos]
			if same && err != nil {
				t.Errorf("%s's expectation judged %s's answer (%v, %v) wrong: %v", goos, other, s.done, s.err, err)
			}
			if !same && err == nil {
				t.Errorf("%s's expectation took %s's answer (%v, %v)", goos, other, s.done, s.err)
			}
		}
	}
	err := expected[Sequence](t, c, "darwin").ConnectBoundNotListening.Judge(true, refused)
	if err == nil || err.Error() != "expected the connect to stay in progress (no answer from the kernel), but it failed with ECONNREFUSED (connection refused)" {
		t.Errorf("message: %v", err)
	}
	if err := ConnectOK.Judge(false, nil); err == nil || !strings.Contains(err.Error(), "expected the connect to complete, but it was still in progress") {
		t.Errorf("ok, still in progress: %v", err)
	}
}

// listen.passive: getsockopt(SO_ACCEPTCONN) before and after listen(), and the listening
// decision of helpers/fdtable fed those same answers (plus, on macOS, the TCP state
// TCP_CONNECTION_INFO reports: TCPS_CLOSED, then TCPS_LISTEN).
func TestJudgeAcceptconn(t *testing.T) {
	c := loadReal(t)
	enoprotoopt := os.NewSyscallError("getsockopt", unix.ENOPROTOOPT)
	type answer struct {
		v   int
		err error
	}
	kernel := map[string][2]answer{
		"linux":   {{0, nil}, {1, nil}},                 // sk_getsockopt: sk_state == TCP_LISTEN
		"freebsd": {{0, nil}, {2, nil}},                 // sogetopt: so_options & SO_ACCEPTCONN
		"darwin":  {{0, enoprotoopt}, {0, enoprotoopt}}, // sogetoptlock: no such case
	}
	for _, goos := range OSes {
		want := expected[Passive](t, c, goos).SoAcceptconn
		for other, k := range kernel {
			before, after := want.BeforeListen.Judge(k[0].v, k[0].err), want.AfterListen.Judge(k[1].v, k[1].err)
			same := fmt.Sprint(k) == fmt.Sprint(kernel[goos])
			if same && (before != nil || after != nil) {
				t.Errorf("%s's expectation judged %s's answers wrong: %v; %v", goos, other, before, after)
			}
			if !same && before == nil && after == nil {
				t.Errorf("%s's expectation took %s's answers %v", goos, other, k)
			}
		}
		// The catalog's answers are ones fdtable can read: not listening, then listening.
		for i, listening := range []bool{false, true} {
			a := fdtable.ListenAnswers{Type: unix.SOCK_STREAM, TCPState: i} // TCPS_CLOSED 0, TCPS_LISTEN 1
			ans := []SockoptAnswer{want.BeforeListen, want.AfterListen}[i]
			if v, isValue := ans.value(); isValue {
				a.Acceptconn = v
			} else {
				a.AcceptconnErr = os.NewSyscallError("getsockopt", Errno(ans).Value())
			}
			got, err := fdtable.DecideListening(goos, a)
			if err != nil || got != listening {
				t.Errorf("%s: fdtable.DecideListening on the catalog's answer %s = %v, %v; want %v", goos, ans, got, err, listening)
			}
		}
	}
	err := expected[Passive](t, c, "freebsd").SoAcceptconn.AfterListen.Judge(1, nil)
	if err == nil || err.Error() != "expected getsockopt to answer 2, but it answered 1" {
		t.Errorf("message: %v", err)
	}
	err = expected[Passive](t, c, "darwin").SoAcceptconn.AfterListen.Judge(1, nil)
	if err == nil || err.Error() != "expected getsockopt to fail with ENOPROTOOPT (protocol not available), but it answered 1" {
		t.Errorf("message: %v", err)
	}
}

// listen.backlog: each OS's kernel, from its source, with backlog b and limit somaxconn:
// how many clients complete before accept(), and what the next one sees.
func backlogKernel(goos string, b, somaxconn int) []Client {
	queued := Client{Done: true}
	var n int
	beyond := Client{} // in progress: its SYN was dropped
	switch goos {
	case "linux": // sk_acceptq_is_full: ack_backlog > max_ack_backlog
		n = b + 1
	case "darwin": // solisten: b <= 0 → somaxconn; sonewconn_internal: qlen >= qlimit
		n = b
		if b <= 0 {
			n = somaxconn
		}
	case "freebsd": // solisten_clone: sol_qlen > 3*sol_qlimit/2; syncache_expand: RST
		n = 3*b/2 + 1
		beyond = Client{Done: true, Afterwards: os.NewSyscallError("read", unix.ECONNRESET)}
	}
	var run []Client
	for range n {
		run = append(run, queued)
	}
	return append(run, beyond)
}

func TestJudgeBacklog(t *testing.T) {
	c := loadReal(t)
	for _, somaxconn := range []int{128, 256} {
		for _, goos := range OSes {
			exp := expected[Backlog](t, c, goos)
			for _, b := range exp.Backlogs() {
				for _, other := range OSes {
					run := backlogKernel(other, b, somaxconn)
					err := exp.Judge(b, somaxconn, run)
					same := Summary(run) == Summary(backlogKernel(goos, b, somaxconn))
					if same && err != nil {
						t.Errorf("%s, backlog %d, somaxconn %d: %s's run judged wrong: %v", goos, b, somaxconn, other, err)
					}
					if !same && err == nil {
						t.Errorf("%s, backlog %d, somaxconn %d: %s's run (%s) was taken", goos, b, somaxconn, other, Summary(run))
					}
				}
			}
		}
	}

	linux, freebsd := expected[Backlog](t, c, "linux"), expected[Backlog](t, c, "freebsd")
	// FreeBSD's reset may already be there when the connect is looked at.
	run := []Client{{Done: true}, {Done: true}, {Done: true, ConnectErr: os.NewSyscallError("connect", unix.ECONNRESET)}}
	if err := freebsd.Judge(1, 128, run); err != nil {
		t.Errorf("FreeBSD, reset seen by the connect: %v", err)
	}
	for _, tc := range []struct {
		run  []Client
		want string
	}{
		{[]Client{{Done: true}, {}}, "client 2 of 3: still in progress; with backlog 1, 2 complete before accept() (b+1)"},
		{[]Client{{Done: true}, {Done: true}, {Done: true}}, "client 3, beyond the queue: completed and waits in the queue; expected it to stay in progress"},
		{[]Client{{Done: true}, {Done: true, Afterwards: EOF}, {}}, "client 2 of 3: completed, then the server closed it (end of file)"},
		{[]Client{{Done: true}, {Done: true}, {}, {}}, "4 clients were tried; a run tries 3"},
		{[]Client{{Done: true}, {Done: true, ConnectErr: refused}}, "client 2 of 3: its connect failed with ECONNREFUSED"},
	} {
		if err := linux.Judge(1, 128, tc.run); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Linux, %s: err = %v, want %q", Summary(tc.run), err, tc.want)
		}
	}
	if got := Summary(backlogKernel("freebsd", 4, 128)); got != "clients 1-7: completed and waits in the queue; client 8: completed, then a read failed with ECONNRESET (connection reset by peer)" {
		t.Errorf("Summary = %q", got)
	}
	if got := expected[Backlog](t, c, "darwin").Completed(0, 256); got != 256 {
		t.Errorf("darwin, backlog 0, somaxconn 256: %d complete; want the live limit", got)
	}
	if got := linux.Completed(0, 256); got != 1 {
		t.Errorf("linux, backlog 0: %d complete; want 1", got)
	}
}

// bind.addrinuse: the SO_REUSEADDR rules (XNU and FreeBSD in_pcbbind look the exact
// address up; Linux inet_csk_bind_conflict lets two non-listening sockets share it and
// refuses the second listen, and refuses a specific address under a wildcard listener).
func TestJudgeReuseaddr(t *testing.T) {
	c := loadReal(t)
	inUse := os.NewSyscallError("bind", unix.EADDRINUSE)
	type answers struct{ bind, secondListen, underWildcard error }
	kernel := map[string]answers{
		"linux":   {nil, os.NewSyscallError("listen", unix.EADDRINUSE), inUse},
		"darwin":  {inUse, nil, nil},
		"freebsd": {inUse, nil, nil},
	}
	judge := func(want AddrInUse, k answers) error {
		if err := want.ReuseaddrSameAddress.Bind.Judge(k.bind); err != nil {
			return err
		}
		if k.bind == nil { // the spec listens twice only where the second bind succeeded
			if err := want.ReuseaddrSameAddress.SecondListen.Judge(k.secondListen); err != nil {
				return err
			}
		}
		return want.ReuseaddrSpecificUnderWildcardListener.Judge(k.underWildcard)
	}
	for _, goos := range OSes {
		want := expected[AddrInUse](t, c, goos)
		for other, k := range kernel {
			err := judge(want, k)
			same := k == kernel[goos]
			if same && err != nil {
				t.Errorf("%s's expectation judged %s's answers wrong: %v", goos, other, err)
			}
			if !same && err == nil {
				t.Errorf("%s's expectation took %s's answers", goos, other)
			}
		}
	}
	if err := expected[AddrInUse](t, c, "darwin").ReuseaddrSpecificUnderWildcardListener.Judge(inUse); err == nil ||
		err.Error() != "expected the call to succeed, but it failed with EADDRINUSE (address already in use)" {
		t.Errorf("message: %v", err)
	}
}

// socket.no-peer: write(2) on a fresh TCP socket (Linux tcp_sendmsg_locked: EPIPE; XNU
// sosendcheck and FreeBSD sosend_generic: ENOTCONN), and whether SO_DOMAIN exists.
func TestJudgeNoPeer(t *testing.T) {
	c := loadReal(t)
	kernel := map[string]error{
		"linux":   os.NewSyscallError("write", unix.EPIPE),
		"darwin":  os.NewSyscallError("write", unix.ENOTCONN),
		"freebsd": os.NewSyscallError("write", unix.ENOTCONN),
	}
	soDomain := map[string]bool{"linux": true, "darwin": false, "freebsd": true}
	for _, goos := range OSes {
		want := expected[NoPeer](t, c, goos)
		for other, k := range kernel {
			err := want.WriteUnconnectedTCP.Judge(k)
			same := k.Error() == kernel[goos].Error()
			if same != (err == nil) {
				t.Errorf("%s's expectation on %s's answer %v: %v", goos, other, k, err)
			}
		}
		if want.SoDomain != soDomain[goos] {
			t.Errorf("%s: so_domain %v; the source says %v", goos, want.SoDomain, soDomain[goos])
		}
		if got := expected[Transport](t, c, goos).SoProtocol; got != soDomain[goos] {
			t.Errorf("%s: so_protocol %v; the source says %v (sogetopt has both or neither)", goos, got, soDomain[goos])
		}
	}
	if err := Errno("EPIPE").Judge(nil); err == nil || err.Error() != "expected the call to fail with EPIPE (broken pipe), but it succeeded" {
		t.Errorf("message: %v", err)
	}
}
