package fdtable

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// cKinfoFile mirrors FreeBSD's struct kinfo_file (sys/sys/user.h) field by field, so that
// encoding/binary lays the fixture out from the C declaration, independently of the
// offsets the parser uses.
type cKinfoFile struct {
	Structsize, Type, Fd, RefCount, Flags, Pad0 int32
	Offset                                      int64
	Un                                          [304]byte // union kf_un: its largest members, kf_sock and kf_file, are 304 bytes
	Status, Pad1                                uint16
	Ispare0                                     int32
	CapRights                                   [2]uint64 // cap_rights_t: uint64_t cr_rights[CAP_RIGHTS_VERSION + 2]
	CapSpare                                    uint64
	Path                                        [1024]byte // PATH_MAX
}

// cKfSock and cKfFile are the union's socket and vnode members.
type cKfSock struct {
	Sendq                     uint32
	Domain0, Type0, Protocol0 int32
	SaLocal, SaPeer           [128]byte // struct sockaddr_storage
	Pcb, Inpcb, Unpconn       uint64
	SndSbState, RcvSbState    uint16
	Recvq                     uint32
}

type cKfFile struct {
	FileType          int32
	Spareint          [3]int32
	Spareint64        [29]uint64
	Nlink, Fsid, Rdev uint64
	Fileid, Size      uint64
	Fsid11, Rdev11    uint32
	Mode, Pad0        uint16
	Pad1              uint32
}

// record packs one kinfo_file as FreeBSD's pack_kinfo does: cut after the path's NUL,
// rounded up to 8 bytes, with kf_structsize saying so.
func record(t *testing.T, fd, typ int32, un any, path string) []byte {
	t.Helper()
	k := cKinfoFile{Type: typ, Fd: fd, RefCount: 1}
	var u bytes.Buffer
	if un != nil {
		if err := binary.Write(&u, binary.NativeEndian, un); err != nil {
			t.Fatal(err)
		}
	}
	copy(k.Un[:], u.Bytes())
	copy(k.Path[:], path)
	var full bytes.Buffer
	if err := binary.Write(&full, binary.NativeEndian, &k); err != nil {
		t.Fatal(err)
	}
	size := (kfPath + len(path) + 1 + 7) &^ 7
	rec := full.Bytes()[:size]
	binary.NativeEndian.PutUint32(rec, uint32(size))
	return rec
}

// The mirror has the size FreeBSD declares, so the fixture below has the real layout.
func TestKinfoFileLayout(t *testing.T) {
	if n := binary.Size(cKinfoFile{}); n != 1392 || kinfoFileSize != 1392 {
		t.Fatalf("struct kinfo_file mirror is %d bytes; KINFO_FILE_SIZE is 1392", n)
	}
	if n := binary.Size(cKfSock{}); n != 304 {
		t.Fatalf("kf_sock mirror is %d bytes, want 304", n)
	}
	if n := binary.Size(cKfFile{}); n != 304 {
		t.Fatalf("kf_file mirror is %d bytes, want 304", n)
	}
}

func TestParseKinfoFiles(t *testing.T) {
	var b []byte
	b = append(b, record(t, -1, kfTypeVnode, cKfFile{FileType: kfVtypeDir}, "/home/ci")...) // cwd
	b = append(b, record(t, 0, kfTypeVnode, cKfFile{FileType: kfVtypeChr}, "/dev/null")...)
	b = append(b, record(t, 3, 5, nil, "")...) // the Go runtime's kqueue
	b = append(b, record(t, 4, kfTypeSocket, cKfSock{Domain0: 28, Type0: 1, Protocol0: 6}, "")...)
	b = append(b, record(t, 5, kfTypePipe, nil, "")...)
	b = append(b, record(t, 7, kfTypeVnode, cKfFile{FileType: kfVtypeReg}, "/tmp/sockspec/a file.txt")...)
	b = append(b, record(t, 9, kfTypeVnode, cKfFile{FileType: kfVtypeFIFO}, "/tmp/fifo")...)
	got, err := parseKinfoFiles(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		fd   int
		kind Kind
		path string
	}{{-1, Dir, "/home/ci"}, {0, Device, "/dev/null"}, {3, Other, ""}, {4, Socket, ""}, {5, Pipe, ""},
		{7, File, "/tmp/sockspec/a file.txt"}, {9, Pipe, "/tmp/fifo"}}
	if len(got) != len(want) {
		t.Fatalf("parsed %d records, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].FD != w.fd || got[i].Kind() != w.kind || got[i].Path != w.path {
			t.Errorf("record %d = %+v (kind %s); want fd %d, %s, %q", i, got[i], got[i].Kind(), w.fd, w.kind, w.path)
		}
	}
	if s := got[3]; s.SockDomain != 28 || s.SockType != 1 || s.SockProt != 6 {
		t.Errorf("socket record: domain %d type %d protocol %d; want 28 (AF_INET6), 1, 6", s.SockDomain, s.SockType, s.SockProt)
	}

	// An unpacked record (kf_structsize 1392) reads the same.
	var full bytes.Buffer
	binary.Write(&full, binary.NativeEndian, &cKinfoFile{Structsize: 1392, Type: kfTypeSocket, Fd: 11})
	if got, err := parseKinfoFiles(full.Bytes()); err != nil || len(got) != 1 || got[0].FD != 11 || got[0].Kind() != Socket {
		t.Errorf("unpacked record: %+v, %v", got, err)
	}
}

// A malformed answer is an error naming where it broke, never a shorter table.
func TestParseKinfoFilesMalformed(t *testing.T) {
	good := record(t, 3, kfTypeSocket, cKfSock{}, "")
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"cut short":      {good[:len(good)-8], "says it is 376 bytes long"},
		"size zero":      {make([]byte, 400), "says it is 0 bytes long"},
		"stray bytes":    {append(append([]byte{}, good...), 1, 2), "2 stray bytes at byte 376"},
		"size too large": {func() []byte { b := append([]byte{}, good...); binary.NativeEndian.PutUint32(b, 5000); return b }(), "says it is 5000 bytes long"},
	} {
		if _, err := parseKinfoFiles(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}
