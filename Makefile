# sockspec: `make conformance` checks the tutorial's claims against this kernel;
# `make test` does that and runs the project's own checks. PROFILE picks a profile of
# ginkgo.yaml (default, ci, quick); GINKGO_FLAGS adds ginkgo flags, e.g.
# GINKGO_FLAGS=--label-filter=claim:fd.no-lseek.
PROFILE ?= $(or $(SOCKSPEC_PROFILE),default)
export SOCKSPEC_PROFILE := $(PROFILE)

GINKGO_FLAGS ?=
CLAIMS := go run ./helpers/report/cmd/claims

.PHONY: conformance test unit vet fmt

# Checks ginkgo.yaml, the catalog, the label filter and this machine first (a malformed file
# stops here with its line; loopback down, too few descriptors or a missing TMPDIR with one
# environment error), then runs each suite in parallel processes (`go tool ginkgo -p`); the
# reports go to out/ even when claims fail. The exit status is non-zero when a claim failed,
# a suite did not run, the run was interrupted or it checked nothing.
conformance:
	@if [ -n "$$TMPDIR" ] && ! [ -d "$$TMPDIR" -a -w "$$TMPDIR" ]; then \
		echo "sockspec: TMPDIR=$$TMPDIR is not a writable directory (go and the specs make files there): create it, or unset TMPDIR" >&2; exit 1; fi
	@$(CLAIMS) run $(GINKGO_FLAGS)

test: fmt vet unit conformance

# The helpers' and fixtures' own tests (catalog, profiles, matchers, descriptor table,
# errno, test hosts, the sample WebSocket server).
unit:
	go test ./helpers/... ./fixtures/...

# The code must build for the CI matrix's other OSes too.
vet:
	go vet ./...
	GOOS=darwin go vet ./...
	GOOS=freebsd go vet ./...

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
