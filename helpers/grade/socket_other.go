//go:build !linux

package grade

import (
	"net/netip"

	"sockspec/helpers/grade/sandbox"
)

func (c *Ctx) socket(netip.AddrPort) (int, error)   { return -1, sandbox.ErrNotLinux }
func (c *Ctx) listener(netip.AddrPort) (int, error) { return -1, sandbox.ErrNotLinux }
func freePort(*sandbox.Box) (uint16, error)         { return 0, sandbox.ErrNotLinux }
func closeFD(int)                                   {}
