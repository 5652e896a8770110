#!/usr/bin/env bash
# fyne-patched.sh: prepare the Fyne that the tray app is built with — the
# Fyne in go.mod plus build/fyne/idle.patch — and print the -modfile to build
# with (go build -modfile="$(scripts/fyne-patched.sh)" ./cmd/mailkeep). The
# Makefile, scripts/package.sh and the tests that build bin/mailkeep use it.
#
# Why: Fyne's desktop driver wakes 60 times a second even with no window
# shown, about 1% of a core for a program that sits in the tray all day. The
# patch (ours) slows its loop to once a second while no window is visible,
# and back to 60 as soon as one is. The patched copy lives in bin/ and is
# made again when go.mod or the patch changes; nothing of Fyne is committed.
# If a newer Fyne no longer takes the patch, this stops and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

# One at a time: CI builds the Windows package while the tests build the
# tray app, and both come here.
mkdir -p bin
exec 9>bin/.fyne-patched.lock
flock 9

mod=$(go list -m -f '{{.Dir}}' fyne.io/fyne/v2)
version=$(go list -m -f '{{.Version}}' fyne.io/fyne/v2)
[[ -n $mod && -d $mod ]] || { echo "fyne-patched.sh: Fyne is not in the module cache: run go mod download" >&2; exit 1; }
out=$PWD/bin/fyne-patched
stamp="$version $(sha256sum build/fyne/idle.patch build/fyne/idle_ticker.go.in | sha256sum | cut -c1-16)"

if [[ ! -f $out/.mailkeep-stamp || $(cat "$out/.mailkeep-stamp") != "$stamp" ]]; then
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  cp -r "$mod" "$out"
  chmod -R u+w "$out"
  if ! patch --quiet --no-backup-if-mismatch -p1 -d "$out" -i "$PWD/build/fyne/idle.patch" >&2; then
    echo "fyne-patched.sh: build/fyne/idle.patch does not apply to Fyne $version: update the patch for it" >&2
    exit 1
  fi
  cp build/fyne/idle_ticker.go.in "$out/internal/driver/glfw/idle_ticker_mailkeep.go"
  echo "$stamp" > "$out/.mailkeep-stamp"
fi

# A go.mod of our own for the GUI build: the project's, with Fyne replaced.
cp go.mod bin/mailkeep-gui.mod
cp go.sum bin/mailkeep-gui.sum
go mod edit -modfile=bin/mailkeep-gui.mod -replace=fyne.io/fyne/v2="$out"
echo "$PWD/bin/mailkeep-gui.mod"
