// Command platforms makes what a course platform needs to grade an assignment with
// sockspec's grader, from a make dist bundle (the linux/amd64 one) and a rubric:
//
//	platforms gradescope|prairielearn|classroom --assignment tcp-echo --bundle out/dist/sockspec-linux-amd64.tar.gz
//	          [--rubric my.yaml] [--out out/platforms]
//
// gradescope writes OUT/gradescope/ASSIGNMENT.zip, the autograder to upload;
// prairielearn writes OUT/prairielearn/ASSIGNMENT/ (questions/ASSIGNMENT and
// serverFilesCourse/sockspec, to copy into a course repository); classroom writes
// OUT/classroom/ASSIGNMENT/ (.github/, to copy into a starter repository). It exits 2 on
// bad input (an unknown platform or assignment, a malformed rubric: its file and line).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sockspec/helpers/grade/platforms"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// next says what an instructor does with each platform's files.
var next = map[string]string{
	"gradescope":   "upload it as the autograder of a Gradescope programming assignment (Configure Autograder, zip file upload, an Ubuntu base image)",
	"prairielearn": "copy its questions/ and serverFilesCourse/ into your PrairieLearn course repository, then sync (its README.md says more)",
	"classroom":    "commit its .github directory (the workflow, the grader and the rubric) to the assignment's starter repository",
}

func run(args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "platforms: "+format+"\n", a...)
		return 2
	}
	if len(args) == 0 {
		return fail("which platform? gradescope, prairielearn or classroom")
	}
	platform := args[0]
	if _, ok := next[platform]; !ok {
		return fail("unknown platform %q: gradescope, prairielearn or classroom", platform)
	}
	fs := flag.NewFlagSet("platforms "+platform, flag.ContinueOnError)
	fs.SetOutput(stderr)
	assignment := fs.String("assignment", "tcp-echo", "the assignment")
	bundle := fs.String("bundle", "out/dist/sockspec-linux-amd64.tar.gz", "the linux/amd64 bundle of make dist")
	rubricPath := fs.String("rubric", "", "the rubric (default: the bundle's rubric of the assignment)")
	out := fs.String("out", "out/platforms", "where the platforms' files go")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments %q", fs.Args())
	}
	k, err := platforms.Load(*bundle, *assignment, *rubricPath)
	if err != nil {
		return fail("%v", err)
	}
	for _, w := range k.Warnings() {
		fmt.Fprintln(stderr, "platforms: warning:", w)
	}
	remake := "make " + platform + " ASSIGNMENT=" + *assignment
	if *rubricPath != "" {
		remake += " RUBRIC=" + *rubricPath
	}
	var files []platforms.File
	switch platform {
	case "gradescope":
		files, err = k.Gradescope(remake)
	case "prairielearn":
		files, err = k.PrairieLearn(remake)
	case "classroom":
		files, err = k.Classroom(remake)
	}
	if err != nil {
		return fail("%v", err)
	}
	dest, write := filepath.Join(*out, platform, *assignment), platforms.WriteTree
	if platform == "gradescope" {
		dest, write = dest+".zip", platforms.WriteZip
	}
	if err := write(dest, files); err != nil {
		return fail("writing %s: %v", dest, err)
	}
	fmt.Fprintf(stdout, "%s: %s\n", dest, next[platform])
	return 0
}
