// Suite ipc checks the tutorial's section "Network IPC: Socket": what pipes and FIFOs do
// and lack, what makes a socket an endpoint, and that the socket API hands the transport
// to the kernel ("Socket vs Web Socket", first sentence).
package ipc

import (
	"testing"

	"sockspec/helpers/suite"
)

func TestIPC(t *testing.T) { suite.Run(t, "ipc: pipes, FIFOs and socket endpoints") }
