//go:build !linux

package client

import "errors"

// Cork needs Linux's TCP_CORK.
func (c *Conn) Cork() error { return errors.New("TCP_CORK is Linux only") }

// Unsent needs Linux's TCP_INFO.
func (c *Conn) Unsent() (int, error) { return 0, errors.New("TCP_INFO is Linux only") }
