package sock

// loopbackHint says how to bring the loopback interface up.
const loopbackHint = "bring the loopback interface up (ip link set lo up)"
