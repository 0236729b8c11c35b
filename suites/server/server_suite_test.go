// Suite server checks the tutorial's section "HTTP와 Socket": how a server prepares with
// socket(), bind(), listen() and accept(), and what each call does and does not know.
package server

import (
	"testing"

	"sockspec/helpers/suite"
)

func TestServer(t *testing.T) { suite.Run(t, "server: socket, bind, listen, accept") }
