//go:build !linux

package platform

import "runtime"

// detect: macOS and FreeBSD have one kernel each, named by GOOS.
func detect() string { return runtime.GOOS }
