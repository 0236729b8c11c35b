package sock

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/sockaddr"
)

// UnixSocket opens an unbound Unix-domain socket of type typ.
func UnixSocket(typ int) *Socket {
	GinkgoHelper()
	return open(unix.AF_UNIX, typ, "Unix-domain socket")
}

// BindPath binds a Unix-domain socket to a filesystem path.
func (s *Socket) BindPath(path string) error {
	return os.NewSyscallError("bind", unix.Bind(s.Num, &unix.SockaddrUnix{Name: path}))
}

// ConnectPath connects a Unix-domain socket to the socket bound at path.
func (s *Socket) ConnectPath(path string) error {
	return os.NewSyscallError("connect", unix.Connect(s.Num, &unix.SockaddrUnix{Name: path}))
}

// Name is getsockname printed for any family: an address and port, or a path.
func (s *Socket) Name() string {
	GinkgoHelper()
	sa, err := unix.Getsockname(s.Num)
	Expect(err).NotTo(HaveOccurred(), "getsockname on %s", s)
	return sockaddr.String(sa)
}

// ShortTempDir makes a directory under /tmp, removed after the spec. Unix-domain socket
// paths must fit in sun_path (108 bytes on Linux, 104 on macOS, where $TMPDIR is long).
func ShortTempDir() string {
	GinkgoHelper()
	dir, err := os.MkdirTemp("/tmp", "sockspec")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	return dir
}
