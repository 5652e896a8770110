#!/usr/bin/env bash
# deps.sh GROUP...: make sure the Debian/Ubuntu packages a make target needs are present.
# Installs them with apt-get when it can (root, or sudo without a password);
# otherwise stops and prints the exact command to run.
set -euo pipefail

# gui: Fyne's C libraries, and a Japanese font: Fyne falls back to the
# system's fonts for characters its own lacks (the demo mailbox has Japanese
# mail; desktops mostly have such a font, minimal installs do not).
declare -A groups=(
  [build]="gcc libc6-dev git ca-certificates"
  [windows]="gcc-mingw-w64-x86-64 wine wine64"
  [test]="dovecot-imapd dovecot-pop3d dovecot-auth-lua gnome-keyring dbus dbus-x11 libsecret-tools curl procps"
  [bench]="notmuch maildir-utils isync fetchmail getmail6 time bc"
  [gui]="gcc libc6-dev pkg-config xz-utils fonts-ipafont-gothic libgl-dev libx11-dev libxrandr-dev libxxf86vm-dev libxi-dev libxcursor-dev libxinerama-dev"
  [e2e]="xvfb imagemagick xdotool haskell-status-notifier-item-utils dbus-x11 gnome-keyring"
)

want=()
for g in "$@"; do
  [[ -n ${groups[$g]+x} ]] || { echo "deps.sh: unknown group '$g'" >&2; exit 2; }
  for p in ${groups[$g]}; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
  done
done
((${#want[@]})) || exit 0

if ! command -v go >/dev/null && [[ ! -x /usr/local/go/bin/go ]]; then
  echo "Go 1.26 or newer is needed: see https://go.dev/doc/install" >&2
  exit 1
fi

echo "Installing: ${want[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "These Debian/Ubuntu packages are missing. Install them, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${want[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
