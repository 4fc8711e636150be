# Searcharr. `make run` starts it on SQLite; `make test` runs every test.
GO        ?= go
BIN       := bin
PLUGINDIR := $(BIN)/plugins
export PATH := $(HOME)/go/bin:$(PATH)

.PHONY: build run test bench proto examples demo screenshots lint fmt clean

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

clean:
	rm -rf $(BIN)
