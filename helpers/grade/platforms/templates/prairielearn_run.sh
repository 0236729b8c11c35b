#!/bin/sh
# PrairieLearn's external grader for {{.Assignment}} ({{.Title}}).
# Made by sockspec's `{{.Make}}` from {{.RubricName}};
# do not edit: change the rubric and make the question again.
#
# The question's info.json names this file (/grade/tests/run.sh) as the entrypoint of the
# grading container. The student's files are in /grade/student, this question's tests/ in
# /grade/tests, and serverFilesCourse/sockspec (the grader, a static binary, with the claims
# its feedback quotes) in /grade/serverFilesCourse/sockspec. The grader copies the
# submission, builds it with the rubric's build command and runs each check against the
# rubric's target command, as the user nobody, with the rubric's limits. It always leaves
# /grade/results/results.json: the grader's (score in [0, 1], a test per check with the
# rubric's points; a build that fails scores 0 and shows the compiler's output), or, when
# the grader itself cannot run, "gradable": false, which costs the student no attempt.
set -u
PATH=${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
export PATH

bundle=/grade/serverFilesCourse/sockspec
results=/grade/results
results_json=$results/results.json

{{template "common"}}

# failed WHY: results.json that leaves the submission ungraded, saying why and quoting the
# end of the grader's stderr.
failed() {
	why=$(printf '%s' "$1" | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
	printf '{"gradable": false, "format_errors": ["%s"], "message": "%s", "output": "%s"}\n' \
		"The grader could not grade this submission: $why" \
		"The grader could not grade this submission: $why This is not a verdict on your code and costs you no attempt." \
		"$(json_text "$work/stderr")" >"$results_json.tmp" && mv -f "$results_json.tmp" "$results_json"
}

mkdir -p "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/sockspec-prairielearn.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
: >"$work/stderr"
# Until the grader is done, results.json says so: a run killed on the way still leaves one.
code=""
failed "it did not finish (stopped from outside, or out of time)."

run_grader {{.GradeArgs}}

if [ -s "$work/out/prairielearn.json" ]; then
	# 0: graded. 3: graded, but the grader could not run some check itself (that test's
	# message says so). 4: the target command never started: every check 0, saying why.
	put_in_place "$work/out/prairielearn.json" "$results_json"
	[ "$code" = 0 ] || echo "run.sh: the grader exited with status $code; its results are in results.json"
else
	failed "$(what_happened)"
	echo "run.sh: $(what_happened) results.json says so (gradable: false)"
fi
exit 0
