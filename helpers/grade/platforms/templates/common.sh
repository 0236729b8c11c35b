{{define "common" -}}
# --- The same in Gradescope's run_autograder and PrairieLearn's run.sh (made by sockspec) ---

# run_grader ARGS...: runs the grader with ARGS, its results into $work/out. Its stdout (the
# feedback) is kept in $work/stdout; its stderr (progress, problems) goes to this script's
# stdout as it comes, the platform's log, and into $work/stderr. Sets $code to its exit
# status (128+N when signal N killed it).
run_grader() {
	# The data root is explicit, so the grader also runs from a copy.
	SOCKSPEC_ROOT=$bundle; export SOCKSPEC_ROOT
	grader=$bundle/bin/grade
	if ! [ -x "$grader" ]; then
		# Some uploads lose the executable bit.
		cp "$grader" "$work/grade" && chmod 755 "$work/grade" && grader=$work/grade
	fi
	{ "$grader" "$@" --out "$work/out" 2>&1 1>&3 3>&-; echo $? >"$work/code"; } 3>"$work/stdout" | tee "$work/stderr"
	code=$(cat "$work/code" 2>/dev/null || echo 1)
	cat "$work/stdout"
}

# what_happened: why the grader wrote no results, in a sentence, from $code.
what_happened() {
	case $code in
	126 | 127) echo "the grader could not be started (exit status $code: not found or not executable)." ;;
	2) echo "the grader cannot run here (exit status 2)." ;;
	1[3-9][0-9] | 2[0-5][0-9]) echo "the grader was killed by signal $((code - 128))." ;;
	*) echo "the grader exited with status $code and wrote no results." ;;
	esac
}

# json_text FILE: the end of FILE (its last 60 lines) as the inside of a JSON string:
# valid UTF-8 only, control characters dropped (a tab becomes a space), backslashes and
# quotes escaped, lines joined with \n. Only tail, tr, sed (and iconv where there is one),
# which every grading image has.
json_text() {
	tail -n 60 "$1" 2>/dev/null | valid_utf8 | LC_ALL=C tr '\t' ' ' | LC_ALL=C tr -d '\000-\010\013-\037\177' |
		LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | LC_ALL=C sed -e ':a' -e '$!N' -e '$!ba' -e 's/\n/\\n/g'
}

valid_utf8() {
	if command -v iconv >/dev/null 2>&1; then
		iconv -c -f UTF-8 -t UTF-8 2>/dev/null
	else
		LC_ALL=C tr -d '\200-\377'
	fi
}

# put_in_place FROM TO: puts FROM in place as TO at once (write, then rename), so the platform
# never reads half a file.
put_in_place() {
	cp "$1" "$2.tmp" && mv -f "$2.tmp" "$2"
}
# --- end of the shared part ---
{{- end}}
