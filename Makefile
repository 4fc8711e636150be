# Searcharr. `make run` starts it on SQLite; `make test` runs every test.
GO        ?= go
BIN       := bin
PLUGINDIR := $(BIN)/plugins
export PATH := $(HOME)/go/bin:$(PATH)

# Build identity stamped into release-like builds (searcharr version,
# searcharr_build_info).
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE      ?= $(shell git log -1 --format=%cI 2>/dev/null || echo unknown)
LDFLAGS   = -s -w -X main.Version=$(VERSION) -X main.Commit=$(COMMIT) -X main.Date=$(DATE)
GORELEASER_VERSION := v2.15.1
IMAGE_ARCHES := amd64 arm64

.PHONY: build run test bench proto examples demo screenshots lint fmt clean static cross image release-snapshot

build:
	$(GO) build -o $(BIN)/searcharr ./cmd/searcharr
	$(GO) build -o $(BIN)/fakearr ./cmd/fakearr

run: build
	./$(BIN)/searcharr serve

# PostgreSQL tests run when SEARCHARR_TEST_DATABASE_URL is set (CI sets it);
# browser tests run when Chromium is installed (CI installs it); otherwise
# they are skipped and say so.
test:
	@if [ -z "$$SEARCHARR_TEST_DATABASE_URL" ]; then echo "note: SEARCHARR_TEST_DATABASE_URL is not set: PostgreSQL tests are skipped (SQLite tests run)"; fi
	@if [ -z "$$SEARCHARR_CHROMIUM" ] && [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then echo "note: Chromium not found: browser tests are skipped (apt-get install chromium, or set SEARCHARR_CHROMIUM)"; fi
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt: these files need formatting:"; gofmt -l .; exit 1; }
	$(GO) test -race -count=1 -timeout 20m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	$(GO) run ./cmd/fakearr/walkbench

proto:
	bash sdk/internal/proto/generate.sh

examples:
	mkdir -p $(PLUGINDIR)
	$(GO) build -o $(PLUGINDIR)/ ./examples/fewest-searches

demo: build examples
	$(GO) run ./examples/demo --searcharr $(BIN)/searcharr --fakearr $(BIN)/fakearr --plugin-dir $(PLUGINDIR)

# The browser tests write docs/screenshots/*.png when SEARCHARR_SCREENSHOTS=1.
screenshots:
	SEARCHARR_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestBrowser' ./cmd/searcharr/

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }

fmt:
	gofmt -w .

# One static binary (no cgo; the SQLite driver is pure Go), as shipped.
static:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/searcharr ./cmd/searcharr

# The cross-builds the release makes for Raspberry Pi and NAS boxes; CI
# runs this.
cross:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -o /dev/null ./cmd/searcharr
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) build -o /dev/null ./cmd/searcharr

# The container image without a container engine: one tarball per
# architecture, for "docker load -i dist/searcharr-image-amd64.tar".
image:
	@for arch in $(IMAGE_ARCHES); do \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o dist/image/$$arch/searcharr ./cmd/searcharr || exit 1; \
		SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) $(GO) run ./cmd/mkimage --binary dist/image/$$arch/searcharr \
			--arch $$arch --version $(VERSION) --tag searcharr:$(VERSION),searcharr:latest --out dist/searcharr-image-$$arch.tar || exit 1; \
	done

# Release archives for every platform and their checksums, built here and
# published nowhere; the checksums are verified.
release-snapshot:
	@command -v goreleaser >/dev/null 2>&1 || $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
	goreleaser release --snapshot --clean
	cd dist/release && sha256sum -c checksums.txt

clean:
	rm -rf $(BIN) dist
