# sockspec: `make conformance` checks the tutorial's claims against this kernel;
# `make test` does that and runs the project's own checks. PROFILE picks a profile of
# ginkgo.yaml (default, ci, quick); GINKGO_FLAGS adds ginkgo flags, e.g.
# GINKGO_FLAGS=--label-filter=claim:fd.no-lseek.
PROFILE ?= $(or $(SOCKSPEC_PROFILE),default)
export SOCKSPEC_PROFILE := $(PROFILE)

GINKGO_FLAGS ?=
CLAIMS := go run ./helpers/report/cmd/claims

.PHONY: conformance test unit vet cross fmt grade

# Checks ginkgo.yaml, the catalog, the label filter and this machine first (a malformed file
# stops here with its line; loopback down, too few descriptors or a missing TMPDIR with one
# environment error), then runs each suite in parallel processes (`go tool ginkgo -p`); the
# reports go to out/ even when claims fail. The exit status is non-zero when a claim failed,
# a suite did not run, the run was interrupted or it checked nothing.
conformance:
	@if [ -n "$$TMPDIR" ] && ! [ -d "$$TMPDIR" -a -w "$$TMPDIR" ]; then \
		echo "sockspec: TMPDIR=$$TMPDIR is not a writable directory (go and the specs make files there): create it, or unset TMPDIR" >&2; exit 1; fi
	@$(CLAIMS) run $(GINKGO_FLAGS)

# Every check, in this order, each one run whatever the ones before it said: a unit test
# that fails does not keep conformance from writing its reports to out/. The exit status is
# non-zero when any step failed, and the last line names them.
TEST_STEPS := fmt vet cross unit conformance
test:
	@failed=""; \
	for step in $(TEST_STEPS); do \
		$(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: failed:$$failed" >&2; exit 1; fi; \
	echo "make test: $(TEST_STEPS): all passed"

# Grades a student's server (Linux only; as root it runs sandboxed as nobody):
#   make grade [ASSIGNMENT=tcp-echo|ws-echo] [TARGET='CMD {port}'] [SUBMISSION=DIR] [BUILD='CMD'] [RUBRIC=FILE]
# Without TARGET and SUBMISSION it builds and grades the bundled reference. Results go to
# out/grade/ (gradescope.json, autolab.json, prairielearn.json, feedback.md); stdout ends
# with Autolab's scores line. The values reach the grader through the environment, so
# commands keep their quotes; BUILD= (empty) builds nothing.
ASSIGNMENT ?= tcp-echo
grade: export GRADE_TARGET = $(TARGET)
grade: export GRADE_BUILD = $(BUILD)
grade: export GRADE_SUBMISSION = $(SUBMISSION)
grade: export GRADE_RUBRIC = $(RUBRIC)
grade:
	@go build -o out/bin/grade ./helpers/grade/cmd/grade
	@out/bin/grade --assignment '$(ASSIGNMENT)' --out out/grade \
		$(if $(TARGET),--target "$$GRADE_TARGET") \
		$(if $(SUBMISSION),--submission "$$GRADE_SUBMISSION") \
		$(if $(RUBRIC),--rubric "$$GRADE_RUBRIC") \
		$(if $(filter undefined,$(origin BUILD)),,--build "$$GRADE_BUILD")

# The helpers' and fixtures' own tests (catalog, profiles, matchers, descriptor table,
# errno, test hosts, the sample WebSocket server), and the grader's: every sample submission
# under fixtures/submissions is built and graded against its manifest.
unit:
	go test ./helpers/... ./fixtures/...

# The OSes and machines of the CI matrix besides this one: macOS on Intel and Apple
# silicon, FreeBSD.
OTHER_PLATFORMS := darwin/amd64 darwin/arm64 freebsd/amd64

# The code must vet clean for every OS of the matrix.
vet:
	go vet ./...
	@for p in $(OTHER_PLATFORMS); do \
		echo "GOOS=$${p%/*} GOARCH=$${p#*/} go vet ./..."; \
		GOOS=$${p%/*} GOARCH=$${p#*/} go vet ./... || exit 1; \
	done

# Every package and every test binary (suites and unit tests) must build for the other
# OSes of the matrix, so a macOS or FreeBSD runner never meets a build error first.
cross:
	@for p in $(OTHER_PLATFORMS); do \
		echo "GOOS=$${p%/*} GOARCH=$${p#*/} go build ./... && go test -exec=true ./... (compile and link every test binary)"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} go build ./... || exit 1; \
		GOOS=$${p%/*} GOARCH=$${p#*/} go test -count=1 -exec=true ./... >/dev/null || exit 1; \
	done

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
