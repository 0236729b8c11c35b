#!/bin/sh
# sockspec: checks the tutorial's claims against this machine's kernel with the suites of
# this bundle (made by `make dist`; no Go needed). Arguments are ginkgo flags, e.g.
#   ./run --label-filter=claim:fd.no-lseek
# SOCKSPEC_PROFILE picks a profile of ginkgo.yaml (default, ci, quick). The reports go to
# the profile's reports directory in this bundle (out/: claims.md, report.json, junit.xml);
# the claims table is printed at the end. The exit status is non-zero when a claim failed,
# a suite did not run, the run was interrupted or it checked nothing, as `make conformance`.
# The grader is bin/grade (see `bin/grade -h`).
set -eu
bundle=$(cd "$(dirname "$0")" && pwd -P)
exec "$bundle/bin/claims" run "$@"
