// Suite websocket checks the tutorial's section "Socket vs Web Socket": WebSocket (ws and
// wss) runs over one TCP connection, and one port takes HTTP and WebSocket requests. The
// server is the sample server in fixtures/lib/wsserver; every client byte is written here.
package websocket

import (
	"testing"

	"sockspec/helpers/suite"
)

func TestWebSocket(t *testing.T) {
	suite.Run(t, "websocket: ws and wss over TCP, one port for HTTP and WebSocket")
}
