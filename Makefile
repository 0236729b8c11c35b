# sockspec: `make conformance` checks the tutorial's claims against this kernel;
# `make test` does that and runs the project's own checks. PROFILE picks a profile of
# ginkgo.yaml (default, ci, quick); GINKGO_FLAGS adds ginkgo flags, e.g.
# GINKGO_FLAGS=--label-filter=claim:fd.no-lseek.
PROFILE ?= $(or $(SOCKSPEC_PROFILE),default)
export SOCKSPEC_PROFILE := $(PROFILE)

GINKGO_FLAGS ?=

# RUNTIME=gvisor runs the suites under gVisor, a second kernel (`runsc --platform=ptrace
# --network=none do`, as root); REPORTS=DIR writes the reports to DIR instead of the
# profile's reports.dir. Both reach the claims command through the environment.
RUNTIME ?=
REPORTS ?=
conformance: export SOCKSPEC_RUNTIME = $(RUNTIME)
conformance: export SOCKSPEC_REPORTS = $(REPORTS)

# No built-in rules: make would look for ways to remake each of the sources below (RCS, SCCS...).
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

# The suites, the claims command and the ginkgo CLI are built into out/bin only when their
# sources change, so a run with nothing changed starts the precompiled binaries and never
# calls the Go compiler. The sources: go.mod, go.sum, the go command (a new toolchain), the
# non-test .go files of the packages under helpers/ and fixtures/ (commands aside: no
# package imports them; so is helpers/grade/platforms, which makes the platforms' files from
# a bundle), a binary's own files, and the directories holding them (a file added, removed
# or renamed changes its directory).
BIN := out/bin
SUITES := $(sort $(patsubst suites/%/,%,$(dir $(wildcard suites/*/*_test.go))))
MODULE_FILES := go.mod go.sum $(shell command -v go)
LIB_DIRS := $(shell find helpers fixtures -path fixtures/submissions -prune -o -path '*/cmd' -prune -o -path helpers/grade/platforms -prune -o -type d -print)
LIB_SOURCES := $(MODULE_FILES) $(LIB_DIRS) $(filter-out %_test.go,$(wildcard $(LIB_DIRS:%=%/*.go)))
# Static binaries (no cgo), as in make dist.
GO_BUILD := CGO_ENABLED=0 go

.PHONY: conformance build test unit vet cross fmt grade dist check-tmpdir compare actionlint gradescope prairielearn classroom

# Checks ginkgo.yaml, the catalog, the label filter and this machine first (a malformed file
# stops here with its line; loopback down, too few descriptors or a missing TMPDIR with one
# environment error), then runs each suite's binary in parallel processes (ginkgo -p); the
# reports go to out/ even when claims fail. The exit status is non-zero when a claim failed,
# a suite did not run (a suite that does not compile is named with its errors), the run was
# interrupted or it checked nothing.
conformance: check-tmpdir build
	@$(BIN)/claims run $(GINKGO_FLAGS)

# The binaries of make conformance, in out/bin: each suite's test binary, the claims
# command that runs them and the ginkgo CLI of go.mod's version.
build: $(SUITES:%=$(BIN)/%.test) $(BIN)/claims $(BIN)/ginkgo

check-tmpdir:
	@if [ -n "$$TMPDIR" ] && ! [ -d "$$TMPDIR" -a -w "$$TMPDIR" ]; then \
		echo "sockspec: TMPDIR=$$TMPDIR is not a writable directory (go and the specs make files there): create it, or unset TMPDIR" >&2; exit 1; fi

# A suite that does not compile leaves no binary but its compiler errors, which the run
# reports as that suite's reason for not running; the other suites still run. The binary
# is written under a temporary name and renamed, so an interrupted build never leaves a
# truncated one that looks up to date.
.SECONDEXPANSION:
$(BIN)/%.test: $(LIB_SOURCES) suites/% $$(wildcard suites/$$*/*.go)
	@mkdir -p $(BIN); echo "go test -c -o $@ ./suites/$*"
	@if $(GO_BUILD) test -c -o $@.tmp ./suites/$* 2>$(BIN)/$*.compile-errors; then \
		mv $@.tmp $@ && rm -f $(BIN)/$*.compile-errors; \
	else rm -f $@ $@.tmp; fi

CLAIMS_SOURCES := helpers/report/cmd/claims $(filter-out %_test.go,$(wildcard helpers/report/cmd/claims/*.go))
$(BIN)/claims: $(LIB_SOURCES) $(CLAIMS_SOURCES)
	$(GO_BUILD) build -o $@.tmp ./helpers/report/cmd/claims && mv $@.tmp $@

$(BIN)/ginkgo: $(MODULE_FILES)
	$(GO_BUILD) build -o $@.tmp github.com/onsi/ginkgo/v2/ginkgo && mv $@.tmp $@

# One bundle per OS and architecture, out/dist/sockspec-<os>-<arch>.tar.gz, that runs the
# suites without Go or the source tree: unpack it anywhere and run `sockspec-<os>-<arch>/run`.
# It holds bin/ (every suite's test binary, the claims command, the ginkgo CLI and the
# grader, static and without build paths), the data files beside bin/ (ginkgo.yaml,
# fixtures/claims.yaml, the rubrics and the sample submissions; how binaries find them:
# helpers/repo) and run (helpers/report/cmd/claims/run.sh).
DIST_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
DIST_DATA := ginkgo.yaml fixtures/claims.yaml fixtures/assignments fixtures/submissions
DIST_FLAGS := -trimpath -ldflags=-s\ -w
dist: $(foreach p,$(DIST_PLATFORMS),out/dist/sockspec-$(subst /,-,$(p)).tar.gz)

out/dist/sockspec-%.tar.gz: $(LIB_SOURCES) $(CLAIMS_SOURCES) suites $(SUITES:%=suites/%) $(wildcard suites/*/*.go helpers/grade/cmd/grade/*.go) \
		$$(shell find $(DIST_DATA)) helpers/report/cmd/claims/run.sh
	@dir=out/dist/sockspec-$*; export GOOS=$(word 1,$(subst -, ,$*)) GOARCH=$(word 2,$(subst -, ,$*)); \
	echo "$@: GOOS=$$GOOS GOARCH=$$GOARCH"; \
	rm -rf $$dir $@ && mkdir -p $$dir/bin $$dir/fixtures || exit 1; \
	for s in $(SUITES); do $(GO_BUILD) test -c $(DIST_FLAGS) -o $$dir/bin/$$s.test ./suites/$$s || exit 1; done; \
	$(GO_BUILD) build $(DIST_FLAGS) -o $$dir/bin/ ./helpers/report/cmd/claims ./helpers/grade/cmd/grade github.com/onsi/ginkgo/v2/ginkgo && \
	for f in $(DIST_DATA); do cp -R $$f $$dir/$$f || exit 1; done && \
	cp helpers/report/cmd/claims/run.sh $$dir/run && chmod 755 $$dir/run && \
	tar -C out/dist -czf $@.tmp sockspec-$* && mv $@.tmp $@ && rm -rf $$dir

# Every check, in this order, each one run whatever the ones before it said: a unit test
# that fails does not keep conformance from writing its reports to out/. The exit status is
# non-zero when any step failed, and the last line names them.
TEST_STEPS := fmt actionlint vet cross unit conformance
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

# What a course platform needs to grade ASSIGNMENT with the rubric's build and target
# commands, points and visibility (RUBRIC=my.yaml for the instructor's own), from the
# linux/amd64 bundle of make dist (its static grader and data; no Go on the platform):
#   make gradescope   ASSIGNMENT=tcp-echo   → out/platforms/gradescope/tcp-echo.zip, the autograder to upload
#   make prairielearn ASSIGNMENT=tcp-echo   → out/platforms/prairielearn/tcp-echo/ (questions/, serverFilesCourse/)
#   make classroom    ASSIGNMENT=tcp-echo   → out/platforms/classroom/tcp-echo/.github/ for the starter repository
# PLATFORMS_DIR=DIR writes them under DIR instead of out/platforms.
PLATFORMS_DIR ?= out/platforms
PLATFORM_BUNDLE := out/dist/sockspec-linux-amd64.tar.gz
gradescope prairielearn classroom: export GRADE_RUBRIC = $(RUBRIC)
gradescope prairielearn classroom: $(PLATFORM_BUNDLE)
	@$(GO_BUILD) run ./helpers/grade/cmd/platforms $@ --assignment '$(ASSIGNMENT)' --bundle $(PLATFORM_BUNDLE) \
		--out '$(PLATFORMS_DIR)' $(if $(RUBRIC),--rubric "$$GRADE_RUBRIC")

# The helpers' and fixtures' own tests (catalog, profiles, matchers, descriptor table,
# errno, test hosts, the sample WebSocket server), the grader's (every sample submission
# under fixtures/submissions is built and graded against its manifest) and the claims
# command's (in a copy of the module: make conformance with a suite that does not compile,
# interrupted runs, and this machine's bundle of make dist run without Go, whose claims
# table must match make conformance's).
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

# The CI workflows must pass actionlint (pinned in go.mod's tool directive).
actionlint:
	go tool actionlint

# Puts runs on different platforms side by side: one row per claim, one column per run
# (pass, fail and skip counts), the values the specs observed where they differ; claims
# whose result differs come first. Writes out/compare.md and prints it.
#   make compare RESULTS='out/linux out/gvisor …'   directories each holding a run's report.json
# Without RESULTS it first runs the suites here on Linux and under gVisor (root and runsc
# needed), into out/linux and out/gvisor; it fails when either run failed, after the table.
RESULTS ?=
COMPARE := go run ./helpers/report/cmd/compare -o out/compare.md
compare:
ifeq ($(strip $(RESULTS)),)
	@rm -rf out/linux out/gvisor; failed=""; \
	$(MAKE) --no-print-directory conformance REPORTS=out/linux || failed="$$failed linux"; \
	$(MAKE) --no-print-directory conformance REPORTS=out/gvisor RUNTIME=gvisor || failed="$$failed gvisor"; \
	echo; $(COMPARE) out/linux out/gvisor || exit 1; \
	if [ -n "$$failed" ]; then echo "make compare: the run on$$failed failed: its table is above" >&2; exit 1; fi
else
	@$(COMPARE) $(RESULTS)
endif
