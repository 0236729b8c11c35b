package sock

import (
	"errors"
	"fmt"
)

// Protocol: macOS has no SO_PROTOCOL: XNU's sogetoptlock (bsd/kern/uipc_socket.c) has no
// case for it (its default answers ENOPROTOOPT), and x/sys/unix defines no constant for it
// on darwin.
func (s *Socket) Protocol() (int, error) {
	return 0, fmt.Errorf("SO_PROTOCOL does not exist on macOS: %w", errors.ErrUnsupported)
}

// Domain: macOS has no SO_DOMAIN either.
func (s *Socket) Domain() (int, error) {
	return 0, fmt.Errorf("SO_DOMAIN does not exist on macOS: %w", errors.ErrUnsupported)
}
