// Suite descriptors checks the tutorial's section "운영체제에서 Socket" (the socket in the
// OS): socket descriptors are file descriptors, from one table, with no offset.
package descriptors

import (
	"testing"

	"sockspec/helpers/suite"
)

func TestDescriptors(t *testing.T) { suite.Run(t, "descriptors: sockets in the descriptor table") }
