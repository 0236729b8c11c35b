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
	return write(dst, data)
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
	return write(dst, append([]byte(xml.Header), data...))
}

func write(dst string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}
