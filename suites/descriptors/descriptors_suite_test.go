// Suite descriptors checks the tutorial's section "운영체제에서 Socket" (the socket in the
// OS): socket descriptors are file descriptors, from one table, with no offset.
package descriptors

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gexec"

	"sockspec/helpers/fixture"
	"sockspec/helpers/suite"
)

func TestDescriptors(t *testing.T) { suite.Run(t, "descriptors: sockets in the descriptor table") }

// child is the fixture program that runs claims in a fresh process.
var child string

var _ = SynchronizedBeforeSuite(func() []byte {
	return []byte(fixture.Build("child"))
}, func(path []byte) {
	child = string(path)
})

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)
