package errno

import "golang.org/x/sys/unix"

// Portable names the errno values that exist on every OS sockspec runs on (Linux, macOS,
// FreeBSD): the POSIX <errno.h> names, less the XSI STREAMS ones FreeBSD lacks (ENODATA,
// ENOSR, ENOSTR, ETIME). The catalog accepts only these names, so an expectation written
// for one OS is a valid name on the others too; `make vet` builds this table for darwin and
// freebsd, so a name missing on one of them does not compile.
var Portable = map[string]unix.Errno{
	"E2BIG": unix.E2BIG, "EACCES": unix.EACCES, "EADDRINUSE": unix.EADDRINUSE,
	"EADDRNOTAVAIL": unix.EADDRNOTAVAIL, "EAFNOSUPPORT": unix.EAFNOSUPPORT, "EAGAIN": unix.EAGAIN,
	"EALREADY": unix.EALREADY, "EBADF": unix.EBADF, "EBADMSG": unix.EBADMSG, "EBUSY": unix.EBUSY,
	"ECANCELED": unix.ECANCELED, "ECHILD": unix.ECHILD, "ECONNABORTED": unix.ECONNABORTED,
	"ECONNREFUSED": unix.ECONNREFUSED, "ECONNRESET": unix.ECONNRESET, "EDEADLK": unix.EDEADLK,
	"EDESTADDRREQ": unix.EDESTADDRREQ, "EDOM": unix.EDOM, "EDQUOT": unix.EDQUOT, "EEXIST": unix.EEXIST,
	"EFAULT": unix.EFAULT, "EFBIG": unix.EFBIG, "EHOSTUNREACH": unix.EHOSTUNREACH, "EIDRM": unix.EIDRM,
	"EILSEQ": unix.EILSEQ, "EINPROGRESS": unix.EINPROGRESS, "EINTR": unix.EINTR, "EINVAL": unix.EINVAL,
	"EIO": unix.EIO, "EISCONN": unix.EISCONN, "EISDIR": unix.EISDIR, "ELOOP": unix.ELOOP,
	"EMFILE": unix.EMFILE, "EMLINK": unix.EMLINK, "EMSGSIZE": unix.EMSGSIZE, "EMULTIHOP": unix.EMULTIHOP,
	"ENAMETOOLONG": unix.ENAMETOOLONG, "ENETDOWN": unix.ENETDOWN, "ENETRESET": unix.ENETRESET,
	"ENETUNREACH": unix.ENETUNREACH, "ENFILE": unix.ENFILE, "ENOBUFS": unix.ENOBUFS, "ENODEV": unix.ENODEV,
	"ENOENT": unix.ENOENT, "ENOEXEC": unix.ENOEXEC, "ENOLCK": unix.ENOLCK, "ENOLINK": unix.ENOLINK,
	"ENOMEM": unix.ENOMEM, "ENOMSG": unix.ENOMSG, "ENOPROTOOPT": unix.ENOPROTOOPT, "ENOSPC": unix.ENOSPC,
	"ENOSYS": unix.ENOSYS, "ENOTCONN": unix.ENOTCONN, "ENOTDIR": unix.ENOTDIR, "ENOTEMPTY": unix.ENOTEMPTY,
	"ENOTRECOVERABLE": unix.ENOTRECOVERABLE, "ENOTSOCK": unix.ENOTSOCK, "ENOTSUP": unix.ENOTSUP,
	"ENOTTY": unix.ENOTTY, "ENXIO": unix.ENXIO, "EOPNOTSUPP": unix.EOPNOTSUPP, "EOVERFLOW": unix.EOVERFLOW,
	"EOWNERDEAD": unix.EOWNERDEAD, "EPERM": unix.EPERM, "EPIPE": unix.EPIPE, "EPROTO": unix.EPROTO,
	"EPROTONOSUPPORT": unix.EPROTONOSUPPORT, "EPROTOTYPE": unix.EPROTOTYPE, "ERANGE": unix.ERANGE,
	"EROFS": unix.EROFS, "ESPIPE": unix.ESPIPE, "ESRCH": unix.ESRCH, "ESTALE": unix.ESTALE,
	"ETIMEDOUT": unix.ETIMEDOUT, "ETXTBSY": unix.ETXTBSY, "EWOULDBLOCK": unix.EWOULDBLOCK, "EXDEV": unix.EXDEV,
}
