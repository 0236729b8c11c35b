package platforms

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"time"
)

// File is one file a platform gets.
type File struct {
	path string
	mode os.FileMode
	data []byte
}

// Gradescope is the autograder zip: setup.sh and run_autograder at its root (Gradescope
// unpacks it into /autograder/source), the rubric, and the grader with its data as a
// bundle (sockspec/bin/grade, sockspec/fixtures/claims.yaml).
func (k *Kit) Gradescope(make string) ([]File, error) {
	v := k.view(make, k.gradeArgs("/autograder/source/rubric.yaml", "/autograder/submission"))
	setup, err := render("gradescope_setup.sh", v)
	if err != nil {
		return nil, err
	}
	run, err := render("gradescope_run_autograder", v)
	if err != nil {
		return nil, err
	}
	return []File{
		{"setup.sh", 0o755, setup},
		{"run_autograder", 0o755, run},
		{"rubric.yaml", 0o644, k.RubricText},
		{"sockspec/bin/grade", 0o755, k.Grader},
		{"sockspec/fixtures/claims.yaml", 0o644, k.Catalog},
	}, nil
}

// WriteZip writes files as a zip at path (written whole, then renamed into place), with
// their modes, so an unzip keeps run_autograder and the grader executable.
func WriteZip(path string, files []File) error {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	dirs := map[string]bool{}
	// A fixed time: the same rubric and bundle make the same zip.
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		for d := filepath.Dir(f.path); d != "."; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for _, d := range sortedKeys(dirs) {
		h := &zip.FileHeader{Name: d + "/", Modified: when}
		h.SetMode(os.ModeDir | 0o755)
		if _, err := z.CreateHeader(h); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := &zip.FileHeader{Name: f.path, Method: zip.Deflate, Modified: when}
		h.SetMode(f.mode)
		w, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(f.data); err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	return writeFile(path, 0o644, b.Bytes())
}
