# sockspec: `make conformance` checks the tutorial's claims against this kernel;
# `make test` does that and runs the project's own checks. PROFILE picks a profile of
# ginkgo.yaml (default, ci, quick); GINKGO_FLAGS adds ginkgo flags, e.g.
# GINKGO_FLAGS=--label-filter=claim:fd.no-lseek.
PROFILE ?= $(or $(SOCKSPEC_PROFILE),default)
export SOCKSPEC_PROFILE := $(PROFILE)

GINKGO := go tool ginkgo
GINKGO_FLAGS ?=
CLAIMS := go run ./helpers/report/cmd/claims

.PHONY: conformance test unit vet fmt

# Checks ginkgo.yaml and the catalog first (a malformed file stops here, with its line),
# then runs every suite in parallel; the reports go to out/ even when claims fail, and the
# exit status is non-zero when any claim failed.
conformance:
	@$(CLAIMS) prepare
	@status=0; \
	$(GINKGO) -r -p --keep-going $(GINKGO_FLAGS) ./suites || status=$$?; \
	$(CLAIMS) merge || status=1; \
	exit $$status

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
