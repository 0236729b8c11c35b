package fdtable

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// selfEntries lists the calling process's descriptors from kern.proc.filedesc, the
// kernel's own list (what procstat -f reads), which needs no fdescfs; fstat adds device and
// inode, so Diff sees a number reused for another file.
func selfEntries() ([]Entry, error) {
	files, err := filedesc(os.Getpid())
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, f := range files {
		if f.FD < 0 {
			continue // the working directory, root, jail, executable, terminal: not descriptors
		}
		var st unix.Stat_t
		if err := unix.Fstat(f.FD, &st); err != nil {
			continue // closed meanwhile
		}
		e := entry(f.FD, &st, f.Path)
		e.Kind = f.Kind()
		out = append(out, e)
	}
	return out, nil
}

// Of lists another process's descriptors from kern.proc.filedesc. Socket details
// (addresses, listening) are only known for the calling process's own descriptors.
func Of(pid int) ([]Entry, error) {
	if pid == os.Getpid() {
		return Self()
	}
	files, err := filedesc(pid)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, f := range files {
		if f.FD >= 0 {
			out = append(out, Entry{FD: f.FD, Kind: f.Kind(), Target: f.Path})
		}
	}
	return out, nil
}

// filedesc reads sysctl kern.proc.filedesc.<pid>. x/sys asks for the size first and then
// reads; if the table grew in between the read fails with ENOMEM, and is tried again.
func filedesc(pid int) ([]kinfoFile, error) {
	var err error
	for range 5 {
		var b []byte
		b, err = unix.SysctlRaw("kern.proc.filedesc", pid)
		if errors.Is(err, unix.ENOMEM) {
			continue
		}
		if err != nil {
			break
		}
		return parseKinfoFiles(b)
	}
	return nil, fmt.Errorf("sysctl kern.proc.filedesc.%d: %w", pid, err)
}
