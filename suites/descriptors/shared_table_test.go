package descriptors

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/fixtures/lib/fdorder"
	"sockspec/fixtures/programs/child"
	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("files and sockets share one descriptor table", suite.Checks("fd.shared-table"), func() {
	It("gives two files 3 and 4 and a socket 5 in a fresh process, then reuses freed numbers across kinds", func() {
		dir := GinkgoT().TempDir()
		a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
		Expect(os.WriteFile(a, []byte("a"), 0o600)).To(Succeed())
		Expect(os.WriteFile(b, []byte("b"), 0o600)).To(Succeed())

		var got fdorder.Result
		out := child.Run(nil, "fdorder", a, b)
		Expect(json.Unmarshal(out, &got)).To(Succeed(), "child printed: %s", out)

		Expect(got.Initial).To(Equal([]int{0, 1, 2}),
			"the fresh process must start with only stdin, stdout and stderr for the tutorial's example")
		type step struct {
			FD   int
			Kind fdtable.Kind
		}
		var steps []step
		for _, s := range got.Steps {
			steps = append(steps, step{s.FD, s.Kind})
		}
		Expect(steps).To(Equal([]step{
			{3, fdtable.File},   // open a.txt: the lowest free number
			{4, fdtable.File},   // open b.txt
			{5, fdtable.Socket}, // socket(): the tutorial's "5번에는 소켓"
			{3, ""},             // close the first file
			{3, fdtable.Socket}, // the next socket takes the file's number
			{5, ""},             // close the first socket
			{5, fdtable.File},   // the next file takes the socket's number
		}), "calls and numbers: %+v", got.Steps)

		var kinds []fdtable.Kind
		for _, fd := range []int{3, 4, 5} {
			e, ok := fdtable.Find(got.Table, fd)
			Expect(ok).To(BeTrue(), "fd %d missing from the child's table: %v", fd, got.Table)
			kinds = append(kinds, e.Kind)
		}
		Expect(kinds).To(Equal([]fdtable.Kind{fdtable.Socket, fdtable.File, fdtable.File}), "the child's table at 3, 4, 5")
		suite.Evidence("fresh process held 0 1 2; open → 3, open → 4, socket → 5; close 3, socket → 3; close 5, open → 5")
	})

	It("in this process too, socket() and open() take their numbers from the same table", func() {
		// Each call takes the lowest free number, so a number freed by one kind is the next
		// number the other kind gets.
		f, path := sock.TempFile("x")
		n := f.Num
		Expect(f.Close()).To(Succeed())
		s := sock.TCP(sock.IPv4)
		Expect(s.Num).To(Equal(n), "socket() after closing the file's fd %d", n)
		Expect(s.Close()).To(Succeed())
		again, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		Expect(err).NotTo(HaveOccurred())
		sock.Track(again, "regular file")
		Expect(again).To(Equal(n), "open() after closing the socket's fd %d", n)
		suite.Evidence("open() → fd %d; close; socket() → fd %d; close; open() → fd %d", n, s.Num, again)
	})
})
