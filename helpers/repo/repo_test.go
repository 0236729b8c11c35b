package repo

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// printEnv makes this test binary print Root and exit, wherever a test put a copy of it.
const printEnv = "SOCKSPEC_REPO_TEST_PRINT"

func TestMain(m *testing.M) {
	if os.Getenv(printEnv) != "" {
		root, err := Root()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(root)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// rootOf runs a copy of this test binary at bin (made here) in dir, with env, and returns
// what Root said there.
func rootOf(t *testing.T, bin, dir string, env ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append([]string{printEnv + "=1", "PATH=/usr/bin:/bin"}, env...)
	out, _ := cmd.CombinedOutput()
	return strings.TrimSpace(string(out))
}

// dataRoot makes a directory holding the marker file.
func dataRoot(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "fixtures"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, Marker), []byte("claims: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// nowhere is the error of a binary at bin, run in dir, that finds no data.
func nowhere(bin, dir string) string {
	return "error: cannot find sockspec's data files (ginkgo.yaml, fixtures/claims.yaml): SOCKSPEC_ROOT is not set; " +
		"not a bundle (" + bin + " is not in a bin/ directory beside fixtures/claims.yaml); " +
		"no go.mod of module sockspec in " + dir + " or above; none in " + filepath.Dir(bin) + " (the binary's directory) or above. " +
		"Set SOCKSPEC_ROOT to the directory that holds them"
}

// Each step of the rule, in its order, and the error that names every place looked at.
func TestRoot(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	checkout, _ := filepath.Abs("../..")
	bundle := dataRoot(t, filepath.Join(tmp, "bundle"))
	explicit := dataRoot(t, filepath.Join(tmp, "explicit"))
	elsewhere := filepath.Join(tmp, "elsewhere")
	os.MkdirAll(elsewhere, 0o755)
	loose := filepath.Join(tmp, "loose", "repo.test")

	for _, tc := range []struct {
		name, bin, dir string
		env            []string
		want           string
	}{
		{"SOCKSPEC_ROOT wins over a bundle", filepath.Join(bundle, "bin", "repo.test"), elsewhere, []string{EnvVar + "=" + explicit}, explicit},
		{"SOCKSPEC_ROOT without the data is an error", loose, checkout, []string{EnvVar + "=" + elsewhere},
			fmt.Sprintf("error: %s=%q holds no fixtures/claims.yaml: point it at the directory holding ginkgo.yaml and fixtures/, or unset it", EnvVar, elsewhere)},
		{"a bundle, run from anywhere", filepath.Join(bundle, "bin", "repo.test"), checkout, nil, bundle},
		{"not bin/: no bundle", filepath.Join(bundle, "other", "repo.test"), elsewhere, nil, nowhere(filepath.Join(bundle, "other", "repo.test"), elsewhere)},
		{"a checkout, from the working directory", loose, filepath.Join(checkout, "suites"), nil, checkout},
		{"a checkout, from the binary's directory", filepath.Join(checkout, "out", "repo-test", "repo.test"), elsewhere, nil, checkout},
		{"nowhere", loose, elsewhere, nil, nowhere(loose, elsewhere)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.HasPrefix(tc.bin, checkout) {
				t.Cleanup(func() { os.RemoveAll(filepath.Dir(tc.bin)) })
			}
			got := rootOf(t, tc.bin, tc.dir, tc.env...)
			if got != tc.want {
				t.Errorf("binary %s run in %s with %v:\n got %s\nwant %s", tc.bin, tc.dir, tc.env, got, tc.want)
			}
		})
	}
}
