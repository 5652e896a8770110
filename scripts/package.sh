#!/usr/bin/env bash
# package.sh linux|windows: Mailkeep as people install it, into dist/.
#
#   linux:   dist/mailkeep-linux-amd64.tar.xz (the tray app made by `fyne
#            package`: binary, .desktop entry, icon and a Makefile with
#            `make user-install` / `sudo make install`), and beside it
#            dist/mailkeep-cli-linux-amd64 (fyne package takes no extra files).
#   windows: dist/mailkeep.exe (the tray app, GUI subsystem, with its icon,
#            version information and manifest, made by `fyne package -os
#            windows` with mingw) and dist/mailkeep-cli.exe.
#
# `fyne package` rewrites FyneApp.toml (its Build number) and writes
# fyne_metadata_init.go and fyne.syso into the source folder while it builds,
# so it runs in a copy of the source tree (the files git knows, as they are in
# the working tree, plus new files not ignored); the tree itself is checked to
# be unchanged afterwards. The fyne tool (FYNE_TOOLS_VERSION) is installed
# into .cache/tools/ when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

target=${1:-linux}
fyne_version=${FYNE_TOOLS_VERSION:-v1.7.4}
gui=cmd/mailkeep
cli=cmd/mailkeep-cli
dist=dist

die() { echo "package: $*" >&2; exit 1; }

case $target in
linux)
  command -v xz >/dev/null || die "xz is missing (fyne package makes a .tar.xz): install the Debian package xz-utils"
  ;;
windows)
  command -v x86_64-w64-mingw32-gcc >/dev/null ||
    die "x86_64-w64-mingw32-gcc is missing: run scripts/deps.sh windows (make windows does)"
  ;;
*) die "unknown target '$target': use linux or windows" ;;
esac
command -v go >/dev/null || die "Go 1.26 or newer is needed: see https://go.dev/doc/install"
[[ -d $gui ]] || die "$gui (the tray app) is missing: nothing to package"

# FyneApp.toml (name, app ID, version, icon, desktop entry) lives at the top of
# the tree or beside the tray app's main package.
toml=FyneApp.toml
[[ -f $toml ]] || toml=$gui/FyneApp.toml
[[ -f $toml ]] || die "FyneApp.toml is missing (at the top of the tree or in $gui): fyne package takes the app's name, ID, version and icon from it"
# The icon is named relative to FyneApp.toml; fyne looks for it relative to the
# main package, so it gets the icon's full path instead.
icon=$(awk -F= '/^\[/ { details = ($0 ~ /^\[Details\]/) } details && $1 ~ /^[ \t]*Icon[ \t]*$/ { v = $2; gsub(/^[ \t]*"|"[ \t]*$/, "", v); print v; exit }' "$toml")
[[ -n $icon ]] || die "$toml has no Icon in [Details]: fyne package needs the app's icon (a PNG)"
[[ $icon == /* ]] || icon=$PWD/$(dirname "$toml")/$icon
[[ -f $icon ]] || die "the icon $icon named in $toml is missing"

# The fyne tool, at the version the notes were checked with.
tools=$PWD/.cache/tools/fyne-$fyne_version
fyne=$tools/fyne
if [[ ! -x $fyne ]]; then
  echo "== installing the fyne tool $fyne_version into $tools"
  GOBIN=$tools go install "fyne.io/tools/cmd/fyne@$fyne_version"
fi

status_before=$(git status --porcelain --untracked-files=all)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir -p "$src" "$dist"

echo "== copying the source tree to $src"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do
    [[ -e $f || -L $f ]] && printf '%s\0' "$f" # not files deleted in the working tree
  done |
  tar --null -T - -cf - | tar -xf - -C "$src"
[[ $toml == "$gui/FyneApp.toml" ]] || cp "$toml" "$src/$gui/FyneApp.toml"

# The tray app is built with the Fyne of scripts/fyne-patched.sh (idle in
# the tray without waking 60 times a second); fyne package's go build reads
# GOFLAGS.
gui_modfile=$(scripts/fyne-patched.sh)
fyne_args=(package --release --src "$gui" --icon "$icon")
start=$SECONDS
case $target in
linux)
  echo "== fyne package -os linux"
  (cd "$src" && GOFLAGS="-modfile=$gui_modfile" "$fyne" "${fyne_args[@]}" -os linux)
  tarballs=("$src"/*.tar.xz)
  [[ ${#tarballs[@]} -eq 1 && -f ${tarballs[0]} ]] || die "fyne package made no .tar.xz (or several) in $src"
  mv "${tarballs[0]}" "$dist/mailkeep-linux-amd64.tar.xz"
  contents=$(tar -tJf "$dist/mailkeep-linux-amd64.tar.xz")
  for want in '/bin/mailkeep$' '/share/applications/.*\.desktop$' '/share/pixmaps/.*\.png$' '/Makefile$'; do
    grep -q "$want" <<<"$contents" || die "the package lacks a file matching $want; it holds:"$'\n'"$contents"
  done
  echo "== mailkeep-cli for Linux"
  CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$dist/mailkeep-cli-linux-amd64" "./$cli"
  outputs=("$dist/mailkeep-linux-amd64.tar.xz" "$dist/mailkeep-cli-linux-amd64")
  ;;
windows)
  echo "== fyne package -os windows (mingw)"
  (cd "$src" && GOFLAGS="-modfile=$gui_modfile" CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 "$fyne" "${fyne_args[@]}" -os windows)
  exes=("$src/$gui"/*.exe)
  [[ ${#exes[@]} -eq 1 && -f ${exes[0]} ]] || die "fyne package made no .exe (or several) in $src/$gui"
  mv "${exes[0]}" "$dist/mailkeep.exe"
  # A GUI-subsystem program opens no console window when started from the tray
  # or the Start menu.
  headers=$(x86_64-w64-mingw32-objdump -p "$dist/mailkeep.exe")
  grep -Eq '^Subsystem[[:space:]]+0+2[[:space:]]' <<<"$headers" ||
    die "dist/mailkeep.exe is not a Windows GUI-subsystem program: $(grep -E '^Subsystem' <<<"$headers")"
  echo "== mailkeep-cli for Windows"
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$dist/mailkeep-cli.exe" "./$cli"
  outputs=("$dist/mailkeep.exe" "$dist/mailkeep-cli.exe")
  ;;
esac

[[ $(git status --porcelain --untracked-files=all) == "$status_before" ]] ||
  die "packaging changed the source tree (git status differs); it must only write into $dist/"
echo "== done in $((SECONDS - start)) s"
ls -l "${outputs[@]}"
