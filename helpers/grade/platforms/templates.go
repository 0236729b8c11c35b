package platforms

import (
	"bytes"
	"embed"
	"html"
	"strconv"
	"strings"
	"text/template"
)

//go:embed templates
var templateFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"join":  strings.Join,
	"num":   num,
	"quote": strconv.Quote,
	"html":  html.EscapeString,
}).ParseFS(templateFiles, "templates/*"))

// view is what the templates show.
type view struct {
	Assignment, Title string
	Instructions      string
	Build, Target     string
	Make              string // the command that makes these files again
	RubricName        string
	Packages, Files   []string
	GradeArgs         string // the grader's command line on the platform
	Checks            []check
	Runners           string // GitHub Classroom: the reporter's runners
	TimeoutMinutes    int    // GitHub Classroom: each step's timeout
	Image             string // PrairieLearn: the grading image
	Timeout           int    // PrairieLearn: the grading's timeout, seconds
}

func (k *Kit) view(make, gradeArgs string) view {
	v := view{Assignment: k.Assignment.Name, Title: k.Rubric.Title, Instructions: strings.TrimSpace(k.Rubric.Instructions),
		Build: k.Rubric.Build, Target: k.Rubric.Target, Make: make, RubricName: k.Rubric.File,
		Packages: k.Rubric.Platforms.Packages, Files: k.Rubric.Platforms.Files, GradeArgs: gradeArgs, Checks: k.checks()}
	if v.Title == "" {
		v.Title = k.Assignment.Name
	}
	return v
}

func render(name string, v view) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
