package rubric

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Platforms is what the course platforms need beyond the grading itself (make gradescope,
// prairielearn, classroom): what the build and the server need installed, what a student
// submits, and the image PrairieLearn grades in.
type Platforms struct {
	Packages []string // Debian/Ubuntu packages the build and the target need (Gradescope's setup.sh installs them)
	Files    []string // the files a student submits (PrairieLearn's upload asks for them)
	Image    string   // prairielearn_image: the Docker image PrairieLearn grades in; it must hold the packages
	Line     int      // where the block starts (0: the rubric has none)
}

var platformFields = []string{"packages", "files", "prairielearn_image"}

var (
	debianPackage = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`) // Debian policy §5.6.1
	dockerImage   = regexp.MustCompile(`^[a-z0-9][a-z0-9._/:@-]*$`)
)

func (p *problems) platforms(n *yaml.Node, pl *Platforms) {
	pl.Line = n.Line
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "platforms must be a mapping (%s)", strings.Join(platformFields, ", "))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "packages":
			pl.Packages = p.names(v, "platforms.packages", "a Debian package name such as gcc or python3", debianPackage.MatchString)
		case "files":
			pl.Files = p.names(v, "platforms.files", "a file name without /, comma or quotes", func(s string) bool {
				return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/,"'\`)
			})
		case "prairielearn_image":
			pl.Image = p.str(v, "platforms.prairielearn_image")
			if pl.Image != "" && !dockerImage.MatchString(pl.Image) {
				p.add(v.Line, "platforms.prairielearn_image %q is not a Docker image name such as prairielearn/grader-c", pl.Image)
			}
		default:
			p.add(k.Line, "unknown key %q of platforms (known: %s)", k.Value, strings.Join(platformFields, ", "))
		}
	}
}

func (p *problems) names(v *yaml.Node, what, want string, ok func(string) bool) []string {
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, "%s must be a list, like [a, b]", what)
		return nil
	}
	var out []string
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || !ok(e.Value) {
			p.add(e.Line, "%s: %q is not %s", what, e.Value, want)
			continue
		}
		out = append(out, e.Value)
	}
	return out
}
