# Mailkeep: two commands matter. `make run` builds and starts the app,
# `make test` runs the whole suite. Both install what they need on Debian/Ubuntu.
# The tray app (bin/mailkeep) needs cgo and a desktop session; the command
# line (bin/mailkeep-cli) needs neither.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
BIN := bin

.PHONY: run test build gui cli bench deps-build deps-gui deps-test clean

run: build
	@if [[ -z "$${DISPLAY:-}" && -z "$${WAYLAND_DISPLAY:-}" && "$$(uname -s)" != Darwin ]]; then \
	  echo "Mailkeep's window needs a desktop session (DISPLAY or WAYLAND_DISPLAY is not set)." >&2; \
	  echo "On a server use the command line: $(BIN)/mailkeep-cli --help, or try it with $(BIN)/mailkeep-cli demo" >&2; \
	  exit 1; \
	fi
	$(BIN)/mailkeep

build: gui cli

gui: deps-build deps-gui
	CGO_ENABLED=1 go build -modfile="$$(scripts/fyne-patched.sh)" -o $(BIN)/mailkeep ./cmd/mailkeep

cli: deps-build
	CGO_ENABLED=0 go build -o $(BIN)/mailkeep-cli ./cmd/mailkeep-cli

test: deps-build deps-gui deps-test
	@scripts/deps.sh e2e
	scripts/test.sh

bench: deps-build
	scripts/deps.sh bench test
	scripts/bench.sh

deps-build:
	@scripts/deps.sh build

deps-gui:
	@scripts/deps.sh gui

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf $(BIN)

# Packages, into dist/ (scripts/package.sh): the tray app for Linux as a
# .tar.xz beside mailkeep-cli, and both programs for Windows, cross-compiled
# with mingw. The tray app needs ./cmd/mailkeep and FyneApp.toml.
.PHONY: package windows deps-windows
package: deps-build deps-gui
	scripts/package.sh linux

windows: deps-build deps-windows
	scripts/package.sh windows

# The Windows tray app, run: under Wine on Xvfb its setup window must open
# and be drawn, a second start must bring it forward, and on a display
# without OpenGL it must say so (cmd/mailkeep/wine_integration_test.go).
.PHONY: test-windows
test-windows: windows deps-test
	@scripts/deps.sh e2e
	MAILKEEP_WINDOWS_EXE=$(CURDIR)/dist/mailkeep.exe go test -tags winegui -count=1 -run '^TestWindowsAppUnderWine$$' -v ./cmd/mailkeep/

# make test also runs mailkeep-cli.exe under Wine (cmd/mailkeep-cli's
# wine_integration_test.go): mingw and Wine come with the test's packages.
test: deps-windows

deps-windows:
	@scripts/deps.sh windows

# Every package any target needs, in one go (CI installs them before it runs
# targets side by side).
.PHONY: deps
deps:
	@scripts/deps.sh build gui test e2e windows
