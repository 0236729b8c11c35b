package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"sockspec/helpers/grade"
)

// Gradescope is results.json as Gradescope's autograder specification describes it: a
// test per check, its name starting with the check's ID, its visibility from the rubric.
func Gradescope(r *grade.Report) ([]byte, error) {
	type test struct {
		Score        float64  `json:"score"`
		MaxScore     float64  `json:"max_score"`
		Status       string   `json:"status"`
		Name         string   `json:"name"`
		Number       string   `json:"number"`
		Visibility   string   `json:"visibility,omitempty"`
		Output       string   `json:"output"`
		OutputFormat string   `json:"output_format"`
		Tags         []string `json:"tags,omitempty"`
	}
	out := struct {
		Score            float64 `json:"score"`
		ExecutionTime    float64 `json:"execution_time"`
		Output           string  `json:"output"`
		OutputFormat     string  `json:"output_format"`
		Visibility       string  `json:"visibility"`
		StdoutVisibility string  `json:"stdout_visibility"`
		Tests            []test  `json:"tests"`
	}{Score: r.Score, ExecutionTime: seconds(r), Output: Header(r), OutputFormat: "md",
		Visibility: r.Visibility, StdoutVisibility: "hidden", Tests: []test{}}
	for _, c := range r.Checks {
		t := test{Score: c.Points, MaxScore: c.MaxPoints, Status: status(c), Name: c.ID + ": " + c.Title,
			Number: fmt.Sprint(c.Number), Visibility: c.Visibility, Output: CheckSection(c), OutputFormat: "md"}
		for _, cl := range c.Claims {
			t.Tags = append(t.Tags, "claim:"+cl.ID)
		}
		out.Tests = append(out.Tests, t)
	}
	return json.MarshalIndent(out, "", "  ")
}

// Autolab is the scores line Autolab reads from the last line of the output:
// {"scores": {"listens": 10, ...}}, in the rubric's order.
func Autolab(r *grade.Report) []byte {
	var b bytes.Buffer
	b.WriteString(`{"scores": {`)
	for i, c := range r.Checks {
		if i > 0 {
			b.WriteString(", ")
		}
		id, _ := json.Marshal(c.ID)
		fmt.Fprintf(&b, "%s: %s", id, num(c.Points))
	}
	b.WriteString("}}")
	return b.Bytes()
}

// PrairieLearn is results.json for PrairieLearn's external grader: score in [0, 1], a
// test per check with points, message and output.
func PrairieLearn(r *grade.Report) ([]byte, error) {
	type test struct {
		Name        string  `json:"name"`
		Description string  `json:"description"`
		Points      float64 `json:"points"`
		MaxPoints   float64 `json:"max_points"`
		Message     string  `json:"message"`
		Output      string  `json:"output"`
	}
	score := 0.0
	if r.MaxScore > 0 {
		score = math.Round(r.Score/r.MaxScore*10000) / 10000
	}
	out := struct {
		Gradable bool    `json:"gradable"`
		Score    float64 `json:"score"`
		Message  string  `json:"message"`
		Output   string  `json:"output"`
		Tests    []test  `json:"tests"`
	}{Gradable: true, Score: score, Message: fmt.Sprintf("%s: %s/%s", r.Assignment, num(r.Score), num(r.MaxScore)),
		Output: Header(r), Tests: []test{}}
	for _, c := range r.Checks {
		msg := seen(c)
		if c.Hint != "" {
			msg += " " + c.Hint
		}
		out.Tests = append(out.Tests, test{Name: c.ID, Description: c.Title + ". Expected: " + c.Expect,
			Points: c.Points, MaxPoints: c.MaxPoints, Message: msg, Output: CheckSection(c)})
	}
	return json.MarshalIndent(out, "", "  ")
}

func status(c grade.CheckResult) string {
	if c.Passed {
		return "passed"
	}
	return "failed"
}

func seconds(r *grade.Report) float64 { return math.Round(r.Duration.Seconds()*1000) / 1000 }

// Files are the names Write gives the four results.
var Files = []string{"gradescope.json", "autolab.json", "prairielearn.json", "feedback.md"}

// Write writes the four results into dir, each written whole and then renamed into
// place, so a platform never reads half a file.
func Write(dir string, r *grade.Report) error {
	gs, err := Gradescope(r)
	if err != nil {
		return err
	}
	pl, err := PrairieLearn(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, data := range [][]byte{gs, Autolab(r), pl, []byte(Feedback(r))} {
		if err := writeFile(filepath.Join(dir, Files[i]), data); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
