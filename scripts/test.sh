#!/usr/bin/env bash
# test.sh: the whole suite, as `make test` runs it.
# Gives the tests a private D-Bus session with an unlocked gnome-keyring and a
# throw-away HOME, so nothing touches the user's own keyring or settings.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go') 2>/dev/null || true)
if [[ -n $bad ]]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

# Each build below shares its compiled packages with another one, which
# matters on a clean machine (CI): vet with -race reads the packages the
# race-enabled tests are built from, and the cgo-free checks build like
# mailkeep-cli and its Windows twin (-trimpath), which the tests build too.
# -trimpath everywhere: compiled packages do not depend on where the source
# is, so the tray app the end-to-end tests build (with the patched Fyne of
# scripts/fyne-patched.sh) shares them with the test binaries.
GOFLAGS="$(go env GOFLAGS) -trimpath"
export GOFLAGS="${GOFLAGS# }"
echo "== go vet"
go vet -race ./...
go vet -race -tags winegui ./cmd/mailkeep/ # the Wine test of make test-windows
echo "== engine builds without cgo"
CGO_ENABLED=0 go vet -trimpath ./store/... ./auth/... ./archive/... ./cmd/mailkeep-cli/...
# Cross-compiled for Windows also means without cgo: the app package and
# its assets build without a C compiler (only cmd/mailkeep needs one).
echo "== the app package builds without cgo (for Windows)"
GOOS=windows CGO_ENABLED=0 go vet -trimpath ./app/... ./assets/...

# The tests get a throw-away HOME; keep Go's caches where they are.
export GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
export MAILKEEP_TEST_HOME=$tmp/home
echo "== go test -race"
HOME=$tmp/home XDG_RUNTIME_DIR=$tmp dbus-run-session -- sh -c '
  echo -n mailkeep-test | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
  exec go test -race -timeout 25m -count=1 '"${GOTESTFLAGS:-}"' ./...
'
