package platforms_test

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sockspec/helpers/grade/platforms"
	"sockspec/helpers/repo"
)

// fakeBundle is a make dist bundle named top holding a stand-in grader and the checkout's
// catalog and rubrics: enough for the platforms' files, without building anything.
func fakeBundle(t *testing.T, top string) string {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), top+".tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	add := func(name string, mode int64, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	add("bin/grade", 0o755, []byte("#!/bin/sh\necho a stand-in grader\n"))
	add("bin/server.test", 0o755, []byte("not shipped"))
	for _, rel := range []string{"fixtures/claims.yaml", "fixtures/assignments/tcp-echo.yaml", "fixtures/assignments/ws-echo.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		add(rel, 0o644, b)
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// rubricWith is the checkout's tcp-echo rubric with old replaced by new, in a file.
func rubricWith(t *testing.T, old, new string) string {
	t.Helper()
	root, _ := repo.Root()
	b, err := os.ReadFile(filepath.Join(root, "fixtures", "assignments", "tcp-echo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("tcp-echo's rubric has no %q", old)
	}
	path := filepath.Join(t.TempDir(), "my.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The zip holds setup.sh and run_autograder at its root, executable, the rubric, and the
// grader with its catalog: nothing else of the bundle (no suites, no Go).
func TestGradescopeZip(t *testing.T) {
	k, err := platforms.Load(fakeBundle(t, "sockspec-linux-amd64"), "tcp-echo", "")
	if err != nil {
		t.Fatal(err)
	}
	files, err := k.Gradescope("make gradescope ASSIGNMENT=tcp-echo")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out", "tcp-echo.zip")
	if err := platforms.WriteZip(path, files); err != nil {
		t.Fatal(err)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	got := map[string]os.FileMode{}
	for _, f := range z.File {
		if !f.FileInfo().IsDir() {
			got[f.Name] = f.Mode().Perm()
		}
	}
	want := map[string]os.FileMode{"setup.sh": 0o755, "run_autograder": 0o755, "rubric.yaml": 0o644,
		"sockspec/bin/grade": 0o755, "sockspec/fixtures/claims.yaml": 0o644}
	if len(got) != len(want) {
		t.Errorf("the zip holds %v, want %v", got, want)
	}
	for name, mode := range want {
		if got[name] != mode {
			t.Errorf("%s: mode %v, want %v (all: %v)", name, got[name], mode, got)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	linux := fakeBundle(t, "sockspec-linux-amd64")
	for _, c := range []struct{ name, bundle, assignment, rubric, want string }{
		{"another OS's bundle", fakeBundle(t, "sockspec-darwin-arm64"), "tcp-echo", "", `is not the linux/amd64 bundle (its top directory is "sockspec-darwin-arm64")`},
		{"unknown assignment", linux, "udp-echo", "", `unknown assignment "udp-echo"`},
		{"bad rubric", linux, "tcp-echo", rubricWith(t, "  - id: echo\n    points: 10\n", "  - id: echo\n    points: ten\n"), `my.yaml:55: points must be a number ≥ 0, not "ten"`},
		{"unknown claim", linux, "tcp-echo", rubricWith(t, "[fd.file-ops]", "[fd.file-opz]"), `unknown claim "fd.file-opz"`},
		{"no bundle", filepath.Join(t.TempDir(), "none.tar.gz"), "tcp-echo", "", "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := platforms.Load(c.bundle, c.assignment, c.rubric)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error saying %q, got %v", c.want, err)
			}
		})
	}
}

// What a platform cannot take is refused when the files are made, naming the rubric's line.
func TestPlatformsRefuse(t *testing.T) {
	bundle := fakeBundle(t, "sockspec-linux-amd64")
	load := func(rubric string) *platforms.Kit {
		k, err := platforms.Load(bundle, "tcp-echo", rubric)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	half := load(rubricWith(t, "  - id: echo\n    points: 10\n", "  - id: echo\n    points: 7.5\n"))
	if _, err := half.Classroom("make classroom"); err == nil || !strings.Contains(err.Error(), "my.yaml:54: check echo has 7.5 points; GitHub Classroom's command grader takes whole points only") {
		t.Errorf("fractional points on Classroom: %v", err)
	}
	if _, err := half.Gradescope("make gradescope"); err != nil {
		t.Errorf("Gradescope takes fractional points: %v", err)
	}
	noImage := load(rubricWith(t, "  prairielearn_image: prairielearn/grader-c\n", ""))
	if _, err := noImage.PrairieLearn("make prairielearn"); err == nil || !strings.Contains(err.Error(), "platforms.prairielearn_image is missing") {
		t.Errorf("no image for PrairieLearn: %v", err)
	}
	slow := load(rubricWith(t, "check_seconds: 20 ", "check_seconds: 200 "))
	if _, err := slow.PrairieLearn("make prairielearn"); err == nil || !strings.Contains(err.Error(), "a grading may take 690 s") {
		t.Errorf("a grading longer than PrairieLearn's 600 s: %v", err)
	}
}

// The question's info.json: external grading with the rubric's image, the entrypoint in
// tests/, the grader from serverFilesCourse, a timeout the rubric's limits fit in, and a
// UUID of its own that stays the same each time it is made.
func TestPrairieLearnQuestion(t *testing.T) {
	bundle := fakeBundle(t, "sockspec-linux-amd64")
	info := func(assignment string) (map[string]any, []string) {
		k, err := platforms.Load(bundle, assignment, "")
		if err != nil {
			t.Fatal(err)
		}
		files, err := k.PrairieLearn("make prairielearn")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := platforms.WriteTree(dir, files); err != nil {
			t.Fatal(err)
		}
		var names []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				names = append(names, rel)
			}
			return nil
		})
		var v map[string]any
		b, _ := os.ReadFile(filepath.Join(dir, "questions", assignment, "info.json"))
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v, names
	}
	tcp, names := info("tcp-echo")
	slices.Sort(names)
	want := []string{"README.md", "questions/tcp-echo/info.json", "questions/tcp-echo/question.html", "questions/tcp-echo/tests/rubric.yaml",
		"questions/tcp-echo/tests/run.sh", "serverFilesCourse/sockspec/bin/grade", "serverFilesCourse/sockspec/fixtures/claims.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	o := tcp["externalGradingOptions"].(map[string]any)
	if o["image"] != "prairielearn/grader-c" || o["entrypoint"] != "/grade/tests/run.sh" || o["timeout"] != 150.0 ||
		!slices.Equal(toStrings(o["serverFilesCourse"]), []string{"sockspec/"}) || tcp["gradingMethod"] != "External" {
		t.Errorf("info.json: %v", tcp)
	}
	again, _ := info("tcp-echo")
	ws, _ := info("ws-echo")
	if tcp["uuid"] != again["uuid"] || tcp["uuid"] == ws["uuid"] || len(tcp["uuid"].(string)) != 36 {
		t.Errorf("uuids: tcp-echo %v and %v, ws-echo %v", tcp["uuid"], again["uuid"], ws["uuid"])
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
