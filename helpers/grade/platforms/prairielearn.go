package platforms

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
)

// prairieLearnMaxTimeout is the longest externalGradingOptions.timeout PrairieLearn takes.
const prairieLearnMaxTimeout = 600

// PrairieLearn is a question for a course repository, in PrairieLearn's layout:
// questions/<assignment>/ (info.json with externalGradingOptions, question.html, and tests/
// with the entrypoint run.sh and the rubric), and serverFilesCourse/sockspec/ (the grader
// and the catalog), which the question's info.json asks for.
func (k *Kit) PrairieLearn(make string) ([]File, error) {
	pl := k.Rubric.Platforms
	if pl.Image == "" {
		return nil, fmt.Errorf("%s: platforms.prairielearn_image is missing: the Docker image PrairieLearn grades in, which must hold %v (prairielearn/grader-c has gcc and make, prairielearn/grader-python has python3)",
			k.Rubric.File, append([]string{}, pl.Packages...))
	}
	timeout := k.seconds()
	if timeout > prairieLearnMaxTimeout {
		return nil, fmt.Errorf("%s: a grading may take %d s by the rubric's limits (build_seconds, then the checks %d at a time, each within check_seconds), and PrairieLearn stops a grading at %d s at most: lower the limits or raise parallel",
			k.Rubric.File, timeout, k.Rubric.Parallel, prairieLearnMaxTimeout)
	}
	v := k.view(make, k.gradeArgs("/grade/tests/rubric.yaml", "/grade/student"))
	run, err := render("prairielearn_run.sh", v)
	if err != nil {
		return nil, err
	}
	question, err := render("question.html", v)
	if err != nil {
		return nil, err
	}
	v.Image, v.Timeout = pl.Image, timeout
	readme, err := render("prairielearn_README.md", v)
	if err != nil {
		return nil, err
	}
	type options struct {
		Enabled           bool     `json:"enabled"`
		Image             string   `json:"image"`
		Entrypoint        string   `json:"entrypoint"`
		ServerFilesCourse []string `json:"serverFilesCourse"`
		Timeout           int      `json:"timeout"`
	}
	info := struct {
		UUID                   string   `json:"uuid"`
		Title                  string   `json:"title"`
		Topic                  string   `json:"topic"`
		Tags                   []string `json:"tags"`
		Type                   string   `json:"type"`
		SingleVariant          bool     `json:"singleVariant"`
		GradingMethod          string   `json:"gradingMethod"`
		ExternalGradingOptions options  `json:"externalGradingOptions"`
	}{uuid("sockspec question " + k.Assignment.Name), v.Title, "Sockets", []string{"sockspec", k.Assignment.Name}, "v3", true, "External",
		options{true, pl.Image, "/grade/tests/run.sh", []string{"sockspec/"}, timeout}}
	infoJSON, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	q := "questions/" + k.Assignment.Name + "/"
	return []File{
		{"README.md", 0o644, readme},
		{q + "info.json", 0o644, append(infoJSON, '\n')},
		{q + "question.html", 0o644, question},
		{q + "tests/run.sh", 0o755, run},
		{q + "tests/rubric.yaml", 0o644, k.RubricText},
		{"serverFilesCourse/sockspec/bin/grade", 0o755, k.Grader},
		{"serverFilesCourse/sockspec/fixtures/claims.yaml", 0o644, k.Catalog},
	}, nil
}

// uuid is a name-based UUID (version 5 layout, from SHA-1): the same assignment gets the
// same question UUID each time it is made.
func uuid(name string) string {
	h := sha1.Sum([]byte(name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
