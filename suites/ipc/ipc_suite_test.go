// Suite ipc checks the tutorial's section "Network IPC: Socket": what pipes and FIFOs do
// and lack, what makes a socket an endpoint, and that the socket API hands the transport
// to the kernel ("Socket vs Web Socket", first sentence).
package ipc

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gexec"

	"sockspec/helpers/fixture"
	"sockspec/helpers/suite"
)

func TestIPC(t *testing.T) { suite.Run(t, "ipc: pipes, FIFOs and socket endpoints") }

// child is the fixture program that plays the second process.
var child string

var _ = SynchronizedBeforeSuite(func() []byte {
	return []byte(fixture.Build("child"))
}, func(path []byte) {
	child = string(path)
})

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)
