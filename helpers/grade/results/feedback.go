// Package results writes a grading Report in the forms the course platforms read
// (research/grading.md has their contracts): Gradescope's results.json, Autolab's scores
// line, PrairieLearn's results.json, and feedback.md, which a student reads.
package results

import (
	"fmt"
	"strings"
	"time"

	"sockspec/helpers/grade"
)

// Feedback is the report for a student, in Markdown: a table of the checks, then each
// check with what was expected, what the kernel showed, the tutorial's claim it teaches,
// and where it explains a failure, the server's descriptor tables and output.
func Feedback(r *grade.Report) string {
	var b strings.Builder
	b.WriteString(Header(r))
	b.WriteString("\n| Check | Points | Expected | What the kernel showed |\n|---|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s `%s` %s | %s | %s | %s |\n", mark(c), c.ID, cell(c.Title), points(c.Points, c.MaxPoints),
			cell(c.Expect), cell(seen(c)))
	}
	for _, c := range r.Checks {
		b.WriteString("\n")
		b.WriteString(CheckSection(c))
	}
	return b.String()
}

// Header is the score, how the submission ran, the build and any warnings.
func Header(r *grade.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s/%s\n\n", r.Assignment, num(r.Score), num(r.MaxScore))
	if r.Title != "" {
		fmt.Fprintf(&b, "%s. ", r.Title)
	}
	fmt.Fprintf(&b, "Target `%s`, graded %s in %s.\n\n", r.Target, r.Started.Format("2006-01-02 15:04:05 MST"), r.Duration.Round(time.Millisecond))
	iso := r.Isolation
	if !r.Isolated {
		iso = "**" + iso + "**"
	}
	fmt.Fprintf(&b, "Sandbox: %s\n", iso)
	if bld := r.Build; bld != nil {
		fmt.Fprintf(&b, "\nBuild: `%s` %s (%s).\n", bld.Command, bld.Status, bld.Duration.Round(time.Millisecond))
		if !bld.OK {
			fmt.Fprintf(&b, "\n**The build failed, so no check ran and every check scores 0.** The end of its output:\n\n%s", fence(bld.Output))
		}
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s\n", w)
	}
	return b.String()
}

// CheckSection is one check in full.
func CheckSection(c grade.CheckResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s — %s: %s\n\n", mark(c), c.ID, points(c.Points, c.MaxPoints), c.Title)
	fmt.Fprintf(&b, "**Expected:** %s\n\n", c.Expect)
	fmt.Fprintf(&b, "**What the kernel showed:** %s\n", seen(c))
	if c.Hint != "" {
		fmt.Fprintf(&b, "\n**What to do:** %s\n", c.Hint)
	}
	if !c.Passed && len(c.Notes) > 0 {
		b.WriteString("\nOn the way the grader saw:\n")
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	for _, cl := range c.Claims {
		fmt.Fprintf(&b, "\n**The tutorial says** (claim `%s`, %s):\n\n> %s\n>\n> %s\n", cl.ID, cl.Verdict, strings.TrimSpace(cl.Seed), oneLine(cl.Statement))
		if cl.Correction != "" {
			fmt.Fprintf(&b, ">\n> Correction: %s\n", cl.Correction)
		}
	}
	if c.View != "" {
		fmt.Fprintf(&b, "\n**Your server's descriptors at that moment** (pids as your server sees them):\n\n%s", fence(c.View))
	}
	if !c.Passed {
		for _, o := range c.Outputs {
			fmt.Fprintf(&b, "\n**%s** (the end):\n\n%s", capitalize(o.Label), fence(o.Text))
		}
	}
	return b.String()
}

func seen(c grade.CheckResult) string {
	if c.Saw == "" && c.Passed {
		return "as expected"
	}
	return c.Saw
}

func mark(c grade.CheckResult) string {
	if c.Passed {
		return "✓"
	}
	return "✗"
}

func points(got, max float64) string { return num(got) + "/" + num(max) }

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// cell makes text fit in one Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", "\\|")
	if r := []rune(s); len(r) > 400 {
		s = string(r[:400]) + "…"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// fence puts text in a code block whose fence no line of text can close.
func fence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "text\n" + strings.TrimRight(text, "\n") + "\n" + f + "\n"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
