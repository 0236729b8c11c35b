package server

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sockspec/helpers/fdtable"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

var _ = Describe("the sockets are recorded in the descriptor table", suite.Checks("fd.table-lists-sockets"), func() {
	DescribeTable("the OS's view of the table lists the listener and each child as sockets, beside a file",
		func(f sock.Family) {
			file, _ := sock.TempFile("the process's own file")
			l := sock.Listener(f, 2)
			_, children := acceptClients(f, l, 2)
			table, err := fdtable.Self()
			Expect(err).NotTo(HaveOccurred())
			listed := func(fd int) fdtable.Entry {
				e, ok := fdtable.Find(table, fd)
				Expect(ok).To(BeTrue(), "fd %d is missing from the table:\n%s", fd, fdtable.Format(table))
				return e
			}
			Expect(listed(file.Num).Kind).To(Equal(fdtable.File))
			le := listed(l.Num)
			Expect(le.Kind).To(Equal(fdtable.Socket))
			Expect(le.Listening).To(BeTrue(), "%v", le)
			Expect(le.Local).To(Equal(l.Local().String()))
			shown := []string{listed(file.Num).String(), le.String()}
			for _, c := range children {
				ce := listed(c.Num)
				Expect(ce.Kind).To(Equal(fdtable.Socket))
				Expect(ce.Listening).To(BeFalse())
				Expect(ce.Local).To(Equal(l.Local().String()))
				shown = append(shown, ce.String())
			}
			suite.Evidence("%s: %s", f.Name, strings.Join(shown, ", "))
		},
		suite.Families(),
	)
})
