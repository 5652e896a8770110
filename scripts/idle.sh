#!/usr/bin/env bash
# idle.sh: what the tray app costs while it waits. Starts bin/mailkeep --tray
# on a private X server (Xvfb) and a private D-Bus session bus with a
# StatusNotifierWatcher (so the tray registers for real), with an archive
# holding one mailbox (archived only when asked, so no run disturbs the
# figures). After IDLE_SETTLE seconds (default 20) it samples the process's
# CPU time from /proc/PID/stat over IDLE_SPAN seconds (default 30) and its
# RSS; then checks over D-Bus that the tray icon registered and what its menu
# says; then starts Mailkeep a second time (which must bring the first one's
# window forward and exit) and samples again with the window shown.
#
# Needs: Xvfb, dbus-daemon, status-notifier-watcher, xdotool (scripts/deps.sh
# e2e); builds bin/mailkeep and bin/mailkeep-cli when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

settle=${IDLE_SETTLE:-20}
span=${IDLE_SPAN:-30}
die() { echo "idle: $*" >&2; exit 1; }
for tool in Xvfb dbus-daemon dbus-send status-notifier-watcher xdotool getconf; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/deps.sh e2e"
done
[[ -x bin/mailkeep ]] || CGO_ENABLED=1 go build -o bin/mailkeep ./cmd/mailkeep
[[ -x bin/mailkeep-cli ]] || CGO_ENABLED=0 go build -o bin/mailkeep-cli ./cmd/mailkeep-cli
mk=$PWD/bin/mailkeep
cli=$PWD/bin/mailkeep-cli

work=$(mktemp -d)
pids=()
cleanup() {
  local rc=$?
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  [[ -n ${IDLE_KEEP:-} ]] && echo "(logs in $work)" || rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh session: nothing of the person running this is touched.
mkdir -p "$work"/{home,config,data,cache,runtime}
chmod 700 "$work/runtime"
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache \
  XDG_RUNTIME_DIR=$work/runtime LANG=C.UTF-8
unset WAYLAND_DISPLAY

exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/display ]] && break; sleep 0.1; done
[[ -s $work/display ]] || die "Xvfb did not start (see $work/xvfb.log)"
export DISPLAY=:$(head -1 "$work/display")

dbus-daemon --session --fork --print-address=1 --print-pid=1 >"$work/bus"
export DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$work/bus")
pids+=("$(sed -n 2p "$work/bus")")
status-notifier-watcher >"$work/watcher.log" 2>&1 &
pids+=($!)
bus_get() { # bus_get DEST PATH INTERFACE PROPERTY
  dbus-send --session --print-reply --dest="$1" "$2" org.freedesktop.DBus.Properties.Get "string:$3" "string:$4"
}
for _ in $(seq 100); do
  bus_get org.kde.StatusNotifierWatcher /StatusNotifierWatcher org.kde.StatusNotifierWatcher ProtocolVersion >/dev/null 2>&1 && break
  sleep 0.1
done

db=$work/archive.mailkeep
IDLE_SECRET=unused "$cli" --db "$db" account add office --protocol imap --host imap.example.com \
  --user office@example.com --auth password --secret-env IDLE_SECRET >/dev/null

"$mk" --tray --db "$db" >"$work/mailkeep.log" 2>&1 &
pid=$!
pids+=("$pid")

hz=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
# sample LABEL: CPU % over span seconds, and RSS, printed as one line.
sample() {
  kill -0 "$pid" 2>/dev/null || die "mailkeep exited (see $work/mailkeep.log)"
  local t0 t1
  t0=$(cpu_ticks)
  sleep "$span"
  t1=$(cpu_ticks)
  printf '%-22s CPU %5.2f %% over %s s, RSS %s MiB\n' "$1" "$(echo "($t1 - $t0) * 100 / $hz / $span" | bc -l)" "$span" "$(rss_mib)"
}

sleep "$settle"
echo "Mailkeep idle, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC; each figure after ${settle} s of rest"
sample "tray only:"

# The tray registered, and its menu says what Mailkeep set.
items=$(bus_get org.kde.StatusNotifierWatcher /StatusNotifierWatcher org.kde.StatusNotifierWatcher RegisteredStatusNotifierItems)
# Items are listed as a bus name, or a bus name and an object path.
item=$(grep -o 'string "[^"]*"' <<<"$items" | head -1 | sed 's/^string "\(.*\)"$/\1/' || true)
[[ -n $item ]] || die "the tray did not register: RegisteredStatusNotifierItems = $items"
svc=${item%%/*}
obj=/StatusNotifierItem
[[ $item == */* ]] && obj=/${item#*/}
menu=$(bus_get "$svc" "$obj" org.kde.StatusNotifierItem Menu | grep -o '"/[^"]*"' | tr -d '"')
labels=$(dbus-send --session --print-reply --dest="$svc" "$menu" com.canonical.dbusmenu.GetLayout int32:0 int32:-1 array:string: |
  grep -A1 '"label"' | sed -n 's/.*variant *string "\(.*\)"/\1/p' | paste -sd '|')
echo "tray: registered as $item; menu: $labels"

# A second start brings the first one's window forward and exits.
"$mk" --db "$db" >"$work/second.log" 2>&1 && second=0 || second=$?
echo "second start: exit $second: $(tail -1 "$work/second.log")"
sleep "$settle"
windows=$(xdotool search --onlyvisible --name 'Mailkeep' 2>/dev/null | wc -l || true)
echo "visible Mailkeep windows: $windows"
sample "with the window:"
