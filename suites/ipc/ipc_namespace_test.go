package ipc

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"sockspec/helpers/hosts"
	. "sockspec/helpers/matchers"
	"sockspec/helpers/sock"
	"sockspec/helpers/suite"
)

// The tutorial lists message queues and shared memory with pipes as IPC inside one computer.
// Each test host has its own IPC namespace, as a separate computer has its own SysV IPC.
var _ = Describe("SysV IPC stays inside one computer", suite.Checks("ipc.local-only"), Label("needs:root"), func() {
	It("a shared memory segment made on host A is not there on host B, while a socket connects A and B", func() {
		within := suite.MustHappenWithin()
		n := hosts.New("A", "B")
		a, b := n.Hosts[0], n.Hosts[1]
		const key, msg = 3000, "hello in shared memory"

		var id int
		Expect(a.Do(func() (err error) { id, err = shmCreate(key, msg); return err })).To(Succeed(), "shmget(%d, IPC_CREAT) on host A", key)
		DeferCleanup(func() {
			Expect(a.Do(func() error { return shmRemove(id) })).To(Succeed(), "shmctl(%d, IPC_RMID) on host A", id)
		})

		// Control: on host A the key finds the segment, and its bytes.
		var sameID int
		var got string
		Expect(a.Do(func() (err error) { sameID, got, err = shmRead(key, len(msg)); return err })).To(Succeed(), "shmget(%d) on host A", key)
		Expect(sameID).To(Equal(id))
		Expect(got).To(Equal(msg))

		// On host B neither the key nor the id names anything.
		var byKey, byID error
		Expect(b.Do(func() error { _, _, byKey = shmRead(key, len(msg)); byID = shmStat(id); return nil })).To(Succeed())
		Expect(byKey).To(FailWithErrno(unix.ENOENT), "shmget(%d) on host B", key)
		Expect(byID).To(FailWithErrno(unix.EINVAL), "shmctl(%d, IPC_STAT) on host B", id)

		// A socket does cross from A to B.
		server := netip.AddrPortFrom(b.IPv4, 3000)
		l := b.Listener(sock.IPv4, server, 1)
		c := a.Socket(sock.IPv4, unix.SOCK_STREAM)
		Expect(c.ConnectWithin(server, within)).To(Succeed(), "connect from host A to %s on host B", server)
		child := l.AcceptWithin(within)
		c.WriteAll([]byte(msg))
		Expect(string(child.ReadWithin(len(msg), within))).To(Equal(msg))

		suite.Evidence("SysV shm key %d on host A (IPC ns %d) → id %d holding %q; on host B (IPC ns %d): shmget(key) → ENOENT, shmctl(id) → EINVAL; a TCP socket from A to %s on B carried the same bytes",
			key, a.IPCNS, id, msg, b.IPCNS, server)
	})
})
