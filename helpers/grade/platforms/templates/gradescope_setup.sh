#!/usr/bin/env bash
# Gradescope's setup.sh for {{.Assignment}} ({{.Title}}).
# Made by sockspec's `{{.Make}}` from {{.RubricName}}.
#
# Gradescope runs it once, as root, when it builds the autograder's image. It installs what
# a submission needs to build and run, the rubric's platforms.packages, and nothing else:
# the grader (sockspec/bin/grade) is a static binary, so no Go.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
{{if .Packages -}}
apt-get update
apt-get install -y --no-install-recommends {{join .Packages " "}}
{{- else -}}
# The rubric lists no platforms.packages: nothing to install.
{{- end}}

chmod 755 /autograder/source/run_autograder /autograder/source/sockspec/bin/grade
# The grader runs the students' servers as this user.
id nobody
