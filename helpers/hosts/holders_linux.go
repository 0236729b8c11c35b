//go:build linux

package hosts

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Holders lists what in the processes under /proc (pid "self" or "*" for all) still
// refers to any of the namespaces ids: a thread inside one (/proc/PID/task/TID/ns/net or
// ipc) or a descriptor for one (/proc/PID/fd/N → "net:[ID]"). The namespaces this package
// makes are never bind-mounted, so one that nothing here holds, and that no open socket
// lives in, is gone. (A socket shows as "socket:[…]", not by its namespace: the descriptor
// leak checks see those.) Processes that end while being read are skipped.
func Holders(pid string, ids []uint64) ([]string, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[fmt.Sprintf("net:[%d]", id)] = true
		want[fmt.Sprintf("ipc:[%d]", id)] = true
	}
	var links []string
	for _, pattern := range []string{"/proc/%s/task/*/ns/net", "/proc/%s/task/*/ns/ipc", "/proc/%s/fd/*"} {
		m, err := filepath.Glob(fmt.Sprintf(pattern, pid))
		if err != nil {
			return nil, err
		}
		links = append(links, m...)
	}
	var held []string
	for _, l := range links {
		if pid == "*" && !isPID(strings.Split(l, "/")[2]) {
			continue
		}
		target, err := os.Readlink(l)
		if err != nil {
			continue // the thread, descriptor or process ended meanwhile
		}
		if want[target] {
			held = append(held, l+" → "+target)
		}
	}
	return held, nil
}

func isPID(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
