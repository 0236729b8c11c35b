//go:build darwin || freebsd

package sock

// loopbackHint says how to bring the loopback interface up.
const loopbackHint = "bring the loopback interface up (ifconfig lo0 up)"
