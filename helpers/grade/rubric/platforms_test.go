package rubric

import (
	"slices"
	"strings"
	"testing"
)

const withPlatforms = `platforms:
  packages: [gcc, libc6-dev, make]
  files: [server.c]
  prairielearn_image: prairielearn/grader-c
`

func TestParsePlatforms(t *testing.T) {
	r, err := Parse("r.yaml", []byte(withPlatforms+good), "tcp-echo", specs, known)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Platforms
	if !slices.Equal(p.Packages, []string{"gcc", "libc6-dev", "make"}) || !slices.Equal(p.Files, []string{"server.c"}) ||
		p.Image != "prairielearn/grader-c" || p.Line != 2 {
		t.Errorf("platforms: %+v", p)
	}
	none, err := Parse("r.yaml", []byte(good), "tcp-echo", specs, known)
	if err != nil || none.Platforms.Line != 0 || none.Platforms.Packages != nil {
		t.Errorf("a rubric without platforms: %+v, %v", none.Platforms, err)
	}
}

func TestPlatformsErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"bad package", strings.Replace(withPlatforms, "libc6-dev", "libc6 dev; rm -rf /", 1), `r.yaml:2: platforms.packages: "libc6 dev; rm -rf /" is not a Debian package name`},
		{"not a list", strings.Replace(withPlatforms, "[gcc, libc6-dev, make]", "gcc", 1), "r.yaml:2: platforms.packages must be a list"},
		{"file with a slash", strings.Replace(withPlatforms, "server.c", "src/server.c", 1), `r.yaml:3: platforms.files: "src/server.c" is not a file name`},
		{"bad image", strings.Replace(withPlatforms, "prairielearn/grader-c", "Grader C", 1), `r.yaml:4: platforms.prairielearn_image "Grader C" is not a Docker image name`},
		{"unknown key", withPlatforms + "  image: x\n", `r.yaml:5: unknown key "image" of platforms (known: packages, files, prairielearn_image)`},
		{"not a mapping", "platforms: [gcc]\n", "r.yaml:1: platforms must be a mapping"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(c.text+good), "tcp-echo", specs, known)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}
