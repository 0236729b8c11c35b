//go:build linux

package ipc

import (
	"os"

	"golang.org/x/sys/unix"
)

// SysV shared memory calls for the IPC-namespace spec, which runs inside a test host.

// shmCreate makes a new segment under key and writes msg into it.
func shmCreate(key int, msg string) (int, error) {
	id, err := unix.SysvShmGet(key, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if err != nil {
		return 0, os.NewSyscallError("shmget", err)
	}
	mem, err := unix.SysvShmAttach(id, 0, 0)
	if err != nil {
		return id, os.NewSyscallError("shmat", err)
	}
	copy(mem, msg)
	return id, os.NewSyscallError("shmdt", unix.SysvShmDetach(mem))
}

// shmRead finds the segment under key and reads n bytes from it.
func shmRead(key, n int) (int, string, error) {
	id, err := unix.SysvShmGet(key, 0, 0)
	if err != nil {
		return 0, "", os.NewSyscallError("shmget", err)
	}
	mem, err := unix.SysvShmAttach(id, 0, unix.SHM_RDONLY)
	if err != nil {
		return id, "", os.NewSyscallError("shmat", err)
	}
	got := string(mem[:n])
	return id, got, os.NewSyscallError("shmdt", unix.SysvShmDetach(mem))
}

// shmStat is shmctl(IPC_STAT) on id.
func shmStat(id int) error {
	var ds unix.SysvShmDesc
	_, err := unix.SysvShmCtl(id, unix.IPC_STAT, &ds)
	return os.NewSyscallError("shmctl(IPC_STAT)", err)
}

// shmRemove is shmctl(IPC_RMID) on id.
func shmRemove(id int) error {
	_, err := unix.SysvShmCtl(id, unix.IPC_RMID, nil)
	return os.NewSyscallError("shmctl(IPC_RMID)", err)
}
