//go:build !linux

package sandbox

import (
	"time"

	"golang.org/x/sys/unix"
)

// Box exists only on Linux; elsewhere every operation fails with ErrNotLinux.
type Box struct{}

// Proc exists only on Linux.
type Proc struct {
	PID            int
	Stdout, Stderr *Tail
}

func CanIsolate() error                                          { return ErrNotLinux }
func Start(Config) (*Box, error)                                 { return nil, ErrNotLinux }
func (b *Box) Run([]string, []string, bool, bool) (*Proc, error) { return nil, ErrNotLinux }
func (b *Box) InitPID() int                                      { return 0 }
func (b *Box) Isolated() bool                                    { return false }
func (b *Box) Processes() []int                                  { return nil }
func (b *Box) Empty() bool                                       { return true }
func (b *Box) Signal(unix.Signal)                                {}
func (b *Box) Stop(time.Duration) (bool, error)                  { return false, ErrNotLinux }
func (b *Box) InNet(func() error) error                          { return ErrNotLinux }
func (b *Box) Close() error                                      { return nil }
func (p *Proc) Done() <-chan struct{}                            { return nil }
func (p *Proc) Exit() Exit                                       { return Exit{} }
func (p *Proc) Exited() bool                                     { return true }
