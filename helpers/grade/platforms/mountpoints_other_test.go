//go:build !linux

package platforms_test

// cleanupMountpoints has nothing to do: the tests that mount run on Linux only.
func cleanupMountpoints() int { return 0 }
