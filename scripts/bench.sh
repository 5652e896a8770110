#!/usr/bin/env bash
# bench.sh: Mailkeep next to the tools an admin would otherwise pick, on the same mail.
#
# Generates a Maildir (BENCH_MESSAGES, default 10000, a size mix like real mail),
# then times indexing it with `notmuch new`, `mu index` and `mailkeep-cli import`,
# the same searches in all three, the size of each index next to the Maildir, and
# Mailkeep's peak memory. Prints each figure and the ratio Mailkeep/peer (below
# 1.0: Mailkeep is faster or smaller). Then scripts/bench-fetch.sh loads the
# same Maildir into a private Dovecot and times fetching it with mbsync,
# fetchmail, getmail6 and mailkeep-cli run (needs root; BENCH_FETCH=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

n=${BENCH_MESSAGES:-10000}
work=${BENCH_DIR:-$(mktemp -d)}
keep=${BENCH_KEEP:-}
[[ -n $keep ]] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
maildir=$work/Maildir

for tool in notmuch mu /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done

echo "== building mailkeep-cli"
CGO_ENABLED=0 go build -o "$work/mailkeep-cli" ./cmd/mailkeep-cli
mk=$work/mailkeep-cli

if [[ ! -d $maildir/cur ]]; then
  echo "== generating $n messages into $maildir"
  go run ./scripts/gencorpus -n "$n" -out "$maildir" -mix real
fi
maildir_bytes=$(du -sb "$maildir" | cut -f1)
sync

# seconds CMD...: run CMD, print its wall time in seconds (3 decimals).
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; return 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l | xargs printf '%.3f'
}
# best CMD...: the best of 5 runs (searches are short; the best is the least noisy).
best() {
  local b=999999 t
  for _ in 1 2 3 4 5; do
    t=$(seconds "$@")
    b=$(echo "if ($t < $b) $t else $b" | bc -l)
  done
  printf '%.3f' "$b"
}
# mu find exits 4 when nothing matches: not a failure here.
mu_find() { mu find --muhome="$mu_home" --fields=l --maxnum=50 --sortfield=date --reverse "$1" || [[ $? -eq 4 ]]; }
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }

# notmuch keeps its database in the Maildir (.notmuch): use a copy so the
# Maildir's own size stays what the others see.
echo "== notmuch new"
nm_cfg=$work/notmuch-config
cp -a "$maildir" "$work/nm-mail"
printf '[database]\npath=%s\n[new]\ntags=inbox;\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n' "$work/nm-mail" >"$nm_cfg"
export NOTMUCH_CONFIG=$nm_cfg
t_notmuch=$(seconds notmuch new)
nm_bytes=$(du -sb "$work/nm-mail/.notmuch" | cut -f1)

echo "== mu index"
mu_home=$work/mu-home
mu init --quiet --muhome="$mu_home" --maildir="$maildir" >/dev/null
t_mu=$(seconds mu index --quiet --muhome="$mu_home")
mu_bytes=$(du -sb "$mu_home" | cut -f1)

echo "== mailkeep-cli import"
db=$work/archive.mailkeep
rm -f "$db" "$db"-*
/usr/bin/time -f '%e %M' -o "$work/mk.time" "$mk" --db "$db" import "$maildir" >/dev/null
read -r t_mk rss_mk <"$work/mk.time"
mk_bytes=$(du -cb "$db"* | tail -1 | cut -f1)

# The same questions in each tool's own language. Each search is timed as a
# person meets it: a fresh process printing the newest 50 hits (Mailkeep with
# snippets); the hit counts are of all matches.
declare -a names=(
  "rare word"
  "common word"
  "sender"
  "date range"
)
declare -a q_mk=(
  "${BENCH_RARE:-Grüezi}"
  "${BENCH_COMMON:-lorem}"
  "from:${BENCH_FROM:-alice}"
  "after:2022-01-01 before:2022-04-01"
)
declare -a q_nm=(
  "${BENCH_RARE:-Grüezi}"
  "${BENCH_COMMON:-lorem}"
  "from:${BENCH_FROM:-alice}"
  "date:2022-01-01..2022-03-31"
)
declare -a q_mu=(
  "${BENCH_RARE:-Grüezi}"
  "${BENCH_COMMON:-lorem}"
  "from:${BENCH_FROM:-alice}"
  "date:20220101..20220331"
)

# Memory: one 50 MiB message, and peak RSS at two corpus sizes.
big=$work/big.eml
{
  printf 'From: Big Sender <big@example.com>\r\nTo: archive@example.com\r\nSubject: fifty megabytes\r\n'
  printf 'Date: Mon, 2 Jan 2023 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'
  printf -- '--b\r\nContent-Type: text/plain\r\n\r\nThe scans are attached.\r\n--b\r\n'
  printf 'Content-Type: application/octet-stream; name=scan.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  head -c $((37 * 1024 * 1024)) /dev/urandom | base64 -w 76 | sed 's/$/\r/'
  printf -- '--b--\r\n'
} >"$big"
rm -f "$work/big.mailkeep"*
/usr/bin/time -f '%e %M' -o "$work/big.time" "$mk" --db "$work/big.mailkeep" import "$big" >/dev/null
read -r t_big rss_big <"$work/big.time"
half=$work/half
mkdir -p "$half"
cp -a "$maildir/cur" "$maildir/new" "$maildir/tmp" "$half"/ 2>/dev/null || true
find "$half/cur" -type f | awk 'NR % 2 == 0' | xargs -r rm -f
rm -f "$work/half.mailkeep"*
/usr/bin/time -f '%e %M' -o "$work/half.time" "$mk" --db "$work/half.mailkeep" import "$half" >/dev/null
read -r t_half rss_half <"$work/half.time"

out=$work/results.md
{
  echo "Messages: $n ($(numfmt --to=iec "$maildir_bytes") Maildir), $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  echo "| what | notmuch | mu | mailkeep | mailkeep/notmuch | mailkeep/mu |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  echo "| index ${n} messages (s) | $t_notmuch | $t_mu | $t_mk | $(ratio "$t_mk" "$t_notmuch") | $(ratio "$t_mk" "$t_mu") |"
  echo "| index size (bytes; Maildir $maildir_bytes) | $nm_bytes | $mu_bytes | $mk_bytes | $(ratio "$mk_bytes" "$nm_bytes") | $(ratio "$mk_bytes" "$mu_bytes") |"
  for i in "${!names[@]}"; do
    c_nm=$(notmuch count "${q_nm[$i]}")
    c_mu=$({ mu find --muhome="$mu_home" --fields=l "${q_mu[$i]}" 2>/dev/null || true; } | wc -l)
    c_mk=$("$mk" --db "$db" search --json --limit 0 "${q_mk[$i]}" | wc -l)
    s_nm=$(best notmuch search --output=files --sort=newest-first --limit=50 "${q_nm[$i]}")
    s_mu=$(best mu_find "${q_mu[$i]}")
    s_mk=$(best "$mk" --db "$db" search --limit 50 "${q_mk[$i]}")
    echo "| search: ${names[$i]} (s; hits $c_nm / $c_mu / $c_mk) | $s_nm | $s_mu | $s_mk | $(ratio "$s_mk" "$s_nm") | $(ratio "$s_mk" "$s_mu") |"
  done
  echo
  echo "Mailkeep import peak RSS: $((rss_mk / 1024)) MiB for $n messages, $((rss_half / 1024)) MiB for about half of them;"
  echo "$((rss_big / 1024)) MiB for one $(numfmt --to=iec "$(stat -c %s "$big")") message (imported in ${t_big} s)."
} | tee "$out"
echo "(results also in $out)"

if [[ ${BENCH_FETCH:-1} != 0 ]]; then
  echo
  echo "== fetching from a server"
  BENCH_DIR=$work BENCH_MAILDIR=$maildir BENCH_MK=$mk scripts/bench-fetch.sh
fi
