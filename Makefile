# Mailkeep: two commands matter. `make run` builds and starts the app,
# `make test` runs the whole suite. Both install what they need on Debian/Ubuntu.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
BIN := bin

.PHONY: run test build cli bench deps-build deps-test clean

run: cli
	$(BIN)/mailkeep-cli --help

build: cli

cli: deps-build
	CGO_ENABLED=0 go build -o $(BIN)/mailkeep-cli ./cmd/mailkeep-cli

test: deps-build deps-test
	scripts/test.sh

bench: deps-build
	scripts/deps.sh bench test
	scripts/bench.sh

deps-build:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf $(BIN)
