package platforms

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// bundle is the files of a make dist bundle that the platforms need, by their path under
// the bundle's top directory (sockspec-linux-amd64/).
type bundle struct {
	top   string
	files map[string][]byte
}

// wanted says which of the bundle's files a platform ships: the grader, the catalog its
// feedback quotes, and the rubrics (the default of each assignment).
func wanted(rel string) bool {
	return rel == "bin/grade" || rel == "fixtures/claims.yaml" ||
		(strings.HasPrefix(rel, "fixtures/assignments/") && strings.HasSuffix(rel, ".yaml"))
}

func readBundle(path string) (*bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := &bundle{files: map[string][]byte{}}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		top, rel, _ := strings.Cut(h.Name, "/")
		if b.top == "" {
			b.top = top
		}
		if h.Typeflag != tar.TypeReg || !wanted(rel) {
			continue
		}
		if b.files[rel], err = io.ReadAll(tr); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
	}
	if b.top != "sockspec-linux-amd64" {
		return nil, fmt.Errorf("%s is not the linux/amd64 bundle (its top directory is %q); the platforms grade on linux/amd64", path, b.top)
	}
	return b, nil
}
