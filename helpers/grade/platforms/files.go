package platforms

import (
	"os"
	"path/filepath"
	"slices"
)

// WriteTree writes files under dir, replacing what a previous make left there.
func WriteTree(dir string, files []File) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.path), f.mode, f.data); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes data to path whole, then renames it into place.
func writeFile(path string, mode os.FileMode, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil { // whatever the umask
		return err
	}
	return os.Rename(tmp, path)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
