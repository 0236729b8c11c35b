package fdtable

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// FreeBSD's sysctl kern.proc.filedesc.<pid> (CTL_KERN, KERN_PROC, KERN_PROC_FILEDESC)
// returns one packed struct kinfo_file per open file of the process, the list procstat -f
// prints. The layout below is FreeBSD's sys/sys/user.h (struct kinfo_file,
// KINFO_FILE_SIZE 1392) on 64-bit machines (amd64, arm64):
//
//	 0 int     kf_structsize   length of this record (packed: see below)
//	 4 int     kf_type         KF_TYPE_*
//	 8 int     kf_fd           the descriptor; < 0 for cwd, root, jail, text, ctty
//	12 int     kf_ref_count
//	16 int     kf_flags
//	20 int     kf_pad0
//	24 int64   kf_offset
//	32 union   kf_un (304 bytes): kf_file { int kf_file_type (KF_VTYPE_*) ... },
//	           kf_sock { uint32 kf_sock_sendq; int kf_sock_domain0, kf_sock_type0,
//	           kf_sock_protocol0; sockaddr_storage kf_sa_local, kf_sa_peer; ... }
//	336 uint16 kf_status; 338 uint16 kf_pad1; 340 int _kf_ispare0
//	344 cap_rights_t kf_cap_rights (2 × uint64); 360 uint64 _kf_cap_spare
//	368 char   kf_path[PATH_MAX]
//
// The kernel packs each record (sys/kern/kern_descrip.c pack_kinfo): kf_structsize becomes
// offsetof(kf_path) + strlen(kf_path) + 1, rounded up to 8, so records are walked by their
// own kf_structsize.
const (
	kfType         = 4
	kfFD           = 8
	kfUnion        = 32
	kfSockDomain   = kfUnion + 4
	kfSockType     = kfUnion + 8
	kfSockProtocol = kfUnion + 12
	kfPath         = 368
	kinfoFileSize  = 1392 // KINFO_FILE_SIZE: the unpacked record
)

// kf_type values (sys/sys/user.h).
const (
	kfTypeVnode  = 1
	kfTypeSocket = 2
	kfTypePipe   = 3
	kfTypeFIFO   = 4
	kfTypePTS    = 10
	kfTypeDev    = 12
)

// kf_file_type values of a vnode (sys/sys/user.h KF_VTYPE_*).
const (
	kfVtypeReg  = 1
	kfVtypeDir  = 2
	kfVtypeBlk  = 3
	kfVtypeChr  = 4
	kfVtypeSock = 6
	kfVtypeFIFO = 7
)

// kinfoFile is the part of one struct kinfo_file that sockspec reads.
type kinfoFile struct {
	FD, Type, FileType             int
	SockDomain, SockType, SockProt int
	Path                           string
}

// Kind is what the record says the descriptor refers to.
func (k kinfoFile) Kind() Kind {
	switch k.Type {
	case kfTypeSocket:
		return Socket
	case kfTypePipe, kfTypeFIFO:
		return Pipe
	case kfTypePTS, kfTypeDev:
		return Device
	case kfTypeVnode:
		switch k.FileType {
		case kfVtypeReg:
			return File
		case kfVtypeDir:
			return Dir
		case kfVtypeBlk, kfVtypeChr:
			return Device
		case kfVtypeSock:
			return Socket
		case kfVtypeFIFO:
			return Pipe
		}
	}
	return Other // kqueue, eventfd, procdesc, shared memory...
}

// parseKinfoFiles reads the records of a kern.proc.filedesc answer, in the machine's own
// byte order.
func parseKinfoFiles(b []byte) ([]kinfoFile, error) {
	var out []kinfoFile
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < 4 {
			return nil, fmt.Errorf("kern.proc.filedesc: %d stray bytes at byte %d", len(rest), off)
		}
		size := int(int32(binary.NativeEndian.Uint32(rest)))
		if size < kfPath || size > kinfoFileSize || size > len(rest) {
			return nil, fmt.Errorf("kern.proc.filedesc: the record at byte %d says it is %d bytes long (a struct kinfo_file is %d to %d bytes; %d bytes are left)",
				off, size, kfPath, kinfoFileSize, len(rest))
		}
		rec := rest[:size]
		i32 := func(at int) int { return int(int32(binary.NativeEndian.Uint32(rec[at:]))) }
		path, _, _ := strings.Cut(string(rec[kfPath:]), "\x00")
		out = append(out, kinfoFile{
			FD: i32(kfFD), Type: i32(kfType), FileType: i32(kfUnion),
			SockDomain: i32(kfSockDomain), SockType: i32(kfSockType), SockProt: i32(kfSockProtocol),
			Path: path,
		})
		off += size
	}
	return out, nil
}
