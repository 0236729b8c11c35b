package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// ReadJSON reads Ginkgo JSON reports (each file holds a list of suite reports).
func ReadJSON(files []string) ([]types.Report, error) {
	var all []types.Report
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var reports []types.Report
		if err := json.Unmarshal(data, &reports); err != nil {
			return nil, fmt.Errorf("%s: not a Ginkgo JSON report: %w", f, err)
		}
		all = append(all, reports...)
	}
	return all, nil
}

// WriteJSON writes reports as one Ginkgo JSON report.
func WriteJSON(reports []types.Report, dst string) error {
	data, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	return Write(dst, data)
}

// MergeJUnit merges per-suite JUnit files into one, as the ginkgo CLI does for -r runs.
func MergeJUnit(files []string, dst string) error {
	var merged reporters.JUnitTestSuites
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var one reporters.JUnitTestSuites
		if err := xml.Unmarshal(data, &one); err != nil {
			return fmt.Errorf("%s: not a JUnit report: %w", f, err)
		}
		merged.Tests += one.Tests
		merged.Disabled += one.Disabled
		merged.Errors += one.Errors
		merged.Failures += one.Failures
		merged.Time += one.Time
		merged.TestSuites = append(merged.TestSuites, one.TestSuites...)
	}
	data, err := xml.MarshalIndent(merged, "", "  ")
	if err != nil {
		return err
	}
	return Write(dst, append([]byte(xml.Header), data...))
}

// Write writes a report file readable by everyone (0644, in directories made 0755).
func Write(dst string, data []byte) error {
	if err := Mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return err
	}
	return Publish(dst)
}

// Mkdir makes dir and any missing parents, each 0755 whatever the umask (reports are read by
// others: CI uploads them as another user). Directories that exist are left as they are.
func Mkdir(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return Publish(missing...)
}

// Publish makes files 0644 and directories 0755, whatever the umask.
func Publish(paths ...string) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if fi.IsDir() {
			mode = 0o755
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
	}
	return nil
}
