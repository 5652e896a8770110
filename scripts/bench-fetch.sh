#!/usr/bin/env bash
# bench-fetch.sh: Mailkeep fetching from a server, next to mbsync, fetchmail and getmail6.
#
# Loads a Maildir (BENCH_MESSAGES, default 10000, generated like bench.sh's)
# into a private Dovecot (scripts/benchdovecot, needs root), then times on the
# same server, each over TLS trusting the Dovecot's test CA:
#   IMAP: mbsync (isync) to a Maildir, then notmuch new on it; mailkeep-cli run
#   POP3: fetchmail (keep, uidl, an mda writing Maildir), getmail6 (Maildir,
#         delete = false); mailkeep-cli run
# and a no-change re-run of each. Prints the figures, ratios (below 1.0:
# Mailkeep is faster) and every tool's peak RSS. Each figure is the best of
# BENCH_ROUNDS rounds (default 3).
#
# bench.sh calls it with BENCH_DIR (work folder), BENCH_MAILDIR and BENCH_MK
# (a built mailkeep-cli); alone it makes its own. BENCH_TIMEOUT bounds each
# tool's run (seconds, default 1800). BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

n=${BENCH_MESSAGES:-10000}
limit=${BENCH_TIMEOUT:-1800}
own_work=
if [[ -z ${BENCH_DIR:-} ]]; then
  work=$(mktemp -d)
  own_work=1
else
  work=$BENCH_DIR/fetch
fi
mkdir -p "$work"
maildir=${BENCH_MAILDIR:-$work/Maildir}
pass=bench-$RANDOM$RANDOM

die() { echo "bench-fetch: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root: Dovecot only drops to its own users when started as root (run as root, or sudo make bench)"
for tool in mbsync notmuch fetchmail getmail dovecot doveadm timeout bc /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/deps.sh bench test (make bench does)"
done

dovecot_pid=
cleanup() {
  local rc=$?
  if [[ -n $dovecot_pid ]] && kill -0 "$dovecot_pid" 2>/dev/null; then
    kill -TERM "$dovecot_pid" 2>/dev/null || true
    # benchdovecot stops Dovecot and removes its folder; give it 15 s.
    for _ in $(seq 150); do kill -0 "$dovecot_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$dovecot_pid" 2>/dev/null || true
  fi
  if [[ -n $own_work && -z ${BENCH_KEEP:-} ]]; then rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${BENCH_MK:-} ]]; then
  mk=$BENCH_MK
else
  echo "== building mailkeep-cli"
  CGO_ENABLED=0 go build -o "$work/mailkeep-cli" ./cmd/mailkeep-cli
  mk=$work/mailkeep-cli
fi
if [[ ! -d $maildir/cur ]]; then
  echo "== generating $n messages into $maildir"
  go run ./scripts/gencorpus -n "$n" -out "$maildir" -mix real
fi
n=$(find "$maildir/cur" "$maildir/new" -type f | wc -l)

echo "== starting Dovecot with $n messages in INBOX"
go build -o "$work/benchdovecot" ./scripts/benchdovecot
"$work/benchdovecot" -maildir "$maildir" -user bench -pass "$pass" >"$work/dovecot.env" 2>"$work/dovecot.err" &
dovecot_pid=$!
for _ in $(seq 1200); do
  grep -qx ready "$work/dovecot.env" 2>/dev/null && break
  kill -0 "$dovecot_pid" 2>/dev/null || die "Dovecot did not start: $(cat "$work/dovecot.err")"
  sleep 0.1
done
grep -qx ready "$work/dovecot.env" || die "Dovecot was not ready within 120 s: $(cat "$work/dovecot.err")"
# dovecot_dir, imaps_addr, pop3s_addr, ca_file, seeded (benchdovecot's own output).
eval "$(grep -E '^[a-z0-9_]+=[^ ]*$' "$work/dovecot.env")"
[[ $seeded -eq $n ]] || die "Dovecot holds $seeded messages, expected $n"
imaps_port=${imaps_addr##*:}
pop3s_port=${pop3s_addr##*:}

# Warm Dovecot up once, untimed, so that no tool pays for building its index
# and cache or for reading the files from disk cold.
doveadm -c "$dovecot_dir/dovecot.conf" fetch -u bench 'uid guid size.virtual size.physical flags date.received text' mailbox INBOX all >/dev/null

declare -A wall rss cpu
# timed NAME CMD...: run CMD (bounded by BENCH_TIMEOUT); keep NAME's best
# wall time over the rounds (with that run's CPU time, user + system) and its
# largest peak RSS (KiB). On failure print CMD's output and stop.
timed() {
  local name=$1 t0 t1 t m u sy
  shift
  t0=$(date +%s.%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$work/$name.time" timeout "$limit" "$@" >"$work/$name.out" 2>&1; then
    echo "bench-fetch: $name failed (or took over $limit s): $*" >&2
    tail -20 "$work/$name.out" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  t=$(echo "$t1 - $t0" | bc -l | xargs printf '%.3f')
  read -r m u sy < <(tail -1 "$work/$name.time")
  if [[ -z ${wall[$name]:-} ]] || (($(echo "$t < ${wall[$name]}" | bc -l))); then
    wall[$name]=$t
    cpu[$name]=$(echo "$u + $sy" | bc -l | xargs printf '%.2f')
  fi
  ((m <= ${rss[$name]:-0})) || rss[$name]=$m
  printf '   %-22s %8s s  (CPU %s s, %s MiB)\n' "$name" "$t" "$(echo "$u + $sy" | bc -l | xargs printf '%.2f')" "$((m / 1024))"
}
files_in() { find "$@" -type f | wc -l; }
# expect NAME GOT: Mailkeep must have every message; a peer that skips some
# (mbsync drops messages whose header it finds incomplete) is noted and counted.
# A peer is noted once, in the first round.
declare -A got
expect() {
  got[$1]=$2
  [[ $2 -eq $n ]] && return 0
  [[ $1 == mailkeep* ]] && die "$1 has $2 messages, expected $n (its output: $work/$1.out)"
  ((round == 1)) || return 0
  echo "   note: $1 has $2 of $n messages (its output: $work/$1.out)" >&2
}
ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc -l)"; }
sum() { echo "$1 + $2" | bc -l | xargs printf '%.3f'; }
min_int() { echo $(($1 < $2 ? $1 : $2)); }
# note_getmail STOPS SESSIONS EXTRA: remember getmail's stops in the round
# whose first run was its best (the figure the table shows).
gm_stops=0 gm_sessions=0 gm_extra=0 gm_last_best=
note_getmail() {
  (($1 == 0)) || echo "   note: getmail stopped $1 times on a missed delivery child (in $2 sessions; $3 messages delivered more than once)" >&2
  [[ ${wall[getmail]} != "$gm_last_best" ]] || return 0
  gm_last_best=${wall[getmail]} gm_stops=$1 gm_sessions=$2 gm_extra=$3
}
min() { echo "if ($1 < $2) $1 else $2" | bc -l | xargs printf '%.3f'; }

# --- mbsync (IMAP over TLS) and notmuch new on what it fetched -------------
mb=$work/mbsync
mkdir -p "$mb/mail"
cat >"$mb/mbsyncrc" <<EOF
IMAPAccount bench
Host localhost
Port $imaps_port
User bench
Pass $pass
SSLType IMAPS
CertificateFile $ca_file

IMAPStore remote
Account bench

MaildirStore local
Path $mb/mail/
Inbox $mb/mail/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
EOF
chmod 600 "$mb/mbsyncrc"
export NOTMUCH_CONFIG=$mb/notmuch-config
printf '[database]\npath=%s\n[new]\ntags=inbox;\nignore=.mbsyncstate;.mbsyncstate.journal;.mbsyncstate.new;.mbsyncstate.lock;.uidvalidity\n[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n' "$mb/mail" >"$NOTMUCH_CONFIG"

# --- fetchmail (POP3 over TLS, keep, UIDL) to a Maildir ---------------------
fm=$work/fetchmail
mkdir -p "$fm/home" "$fm/mail/cur" "$fm/mail/new" "$fm/mail/tmp"
# The mda writes each message straight into new/ (one sh and one cat per
# message: fetchmail starts its mda once per message).
cat >"$fm/fetchmailrc" <<EOF
set no syslog
poll localhost protocol POP3 port $pop3s_port uidl bad-header accept
  user "bench" there with password "$pass" is "root" here
  options keep ssl sslcertck sslcertfile "$ca_file"
  mda "cat > $fm/mail/new/\$\$.fetchmail"
EOF
chmod 600 "$fm/fetchmailrc"

# --- getmail6 (POP3 over TLS) to a Maildir, delete = false ------------------
gm=$work/getmail
mkdir -p "$gm/home" "$gm/mail/cur" "$gm/mail/new" "$gm/mail/tmp"
# getmail refuses to deliver as root: its Maildir delivery runs as nobody,
# who must reach the Maildir (mktemp makes folders 0700).
chown -R nobody "$gm/mail"
chmod a+rx "$gm" "$work"
[[ -n $own_work ]] || chmod a+rx "$BENCH_DIR"
# getmail 6.18 (Debian 12) forks a child for each delivery and can miss the
# child's exit (its SIGCHLD handler may run before the parent waits:
# getmail6/getmail6#52, #226); it then waits `timeout` seconds and stops
# the run with "waiting child pid N timed out" -- here about once in a
# thousand messages -- without recording anything it fetched in that run. So
# run.sh runs getmail in sessions of at most $gm_session messages (its
# max_messages_per_session) until one retrieves nothing, restarting a session
# that stopped, as the next cron run would; a local server answers at once,
# so the timeout is short. It counts the stops.
gm_wait=${BENCH_GETMAIL_TIMEOUT:-5}
gm_session=${BENCH_GETMAIL_SESSION:-500}
cat >"$gm/run.sh" <<EOF
#!/bin/sh
# run.sh: getmail sessions until one retrieves nothing (at most 1000 sessions).
stops=0 sessions=0
while [ \$sessions -lt 1000 ]; do
  sessions=\$((sessions + 1))
  if getmail --getmaildir "$gm/home" --rcfile "$gm/getmailrc" >"$gm/last.out" 2>&1; then
    if grep -q ' 0 messages .* retrieved' "$gm/last.out"; then
      echo "\$stops \$sessions" >"$gm/stops"; exit 0
    fi
    continue
  fi
  grep -q 'waiting child pid [0-9]* timed out' "$gm/last.out" || { cat "$gm/last.out"; exit 1; }
  stops=\$((stops + 1))
done
echo "getmail did not finish in \$sessions sessions" >&2; exit 1
EOF
chmod +x "$gm/run.sh"
# read_all = false: getmail fetches what it has not seen (everything, the
# first time), so the re-run is a no-change run like the others'.
cat >"$gm/getmailrc" <<EOF
[retriever]
type = SimplePOP3SSLRetriever
server = localhost
port = $pop3s_port
username = bench
password = $pass
ca_certs = $ca_file
timeout = $gm_wait

[destination]
type = Maildir
path = $gm/mail/
user = nobody

[options]
read_all = false
delete = false
max_messages_per_session = $gm_session
verbose = 1
message_log_syslog = false
EOF

# --- mailkeep-cli, one archive per protocol ---------------------------------
export BENCH_MAILKEEP_PASSWORD=$pass SSL_CERT_FILE=$ca_file
mk_imap=$work/imap.mailkeep
mk_pop3=$work/pop3.mailkeep
mk_count() { "$mk" --db "$1" stats --json | sed -n 's/.*"messages":\([0-9]*\).*/\1/p'; }

# reset: forget what every tool fetched, for the next round's first runs.
reset() {
  rm -f "$mk_imap"* "$mk_pop3"*
  "$mk" --db "$mk_imap" account add bench --protocol imap --host localhost --port "$imaps_port" --security tls \
    --user bench --auth password --secret-env BENCH_MAILKEEP_PASSWORD >/dev/null
  "$mk" --db "$mk_pop3" account add bench --protocol pop3 --host localhost --port "$pop3s_port" --security tls \
    --user bench --auth password --secret-env BENCH_MAILKEEP_PASSWORD >/dev/null
  rm -rf "$mb/mail" && mkdir -p "$mb/mail" # with mbsync's state and notmuch's database
  find "$fm/mail/new" "$gm/mail/new" "$gm/mail/cur" "$gm/mail/tmp" -type f -delete
  rm -f "$fm/home/fetchids" "$gm/home"/oldmail-*
}

# Each round times every tool's first run, then its no-change re-run; the
# figures are each one's best round (other work on the machine only ever
# makes a run slower). Rounds interleave the tools, so a busy moment does
# not hit one tool alone.
rounds=${BENCH_ROUNDS:-3}
for round in $(seq "$rounds"); do
  echo "== round $round of $rounds: fetching $n messages, then a no-change re-run of each"
  reset
  timed mailkeep-imap "$mk" --db "$mk_imap" run
  expect mailkeep-imap "$(mk_count "$mk_imap")"
  timed mbsync mbsync -c "$mb/mbsyncrc" -q -a
  expect mbsync "$(files_in "$mb/mail/INBOX/cur" "$mb/mail/INBOX/new")"
  timed notmuch-new notmuch new
  timed mailkeep-pop3 "$mk" --db "$mk_pop3" run
  expect mailkeep-pop3 "$(mk_count "$mk_pop3")"
  timed fetchmail env FETCHMAILHOME="$fm/home" fetchmail --nodetach --silent -f "$fm/fetchmailrc" --idfile "$fm/home/fetchids"
  expect fetchmail "$(files_in "$fm/mail/new")"
  timed getmail "$gm/run.sh"
  gm_files=$(files_in "$gm/mail/new" "$gm/mail/cur")
  expect getmail "$(min_int "$gm_files" "$n")"
  note_getmail $(cat "$gm/stops") "$((gm_files - n))"

  # Twice: a no-change run can tidy up after the first run (mbsync renames
  # the files it fetched, which notmuch then has to notice); the second shows
  # the steady state. The best of each counts.
  for _ in 1 2; do
    timed mailkeep-imap-again "$mk" --db "$mk_imap" run
    expect mailkeep-imap-again "$(mk_count "$mk_imap")"
    timed mbsync-again mbsync -c "$mb/mbsyncrc" -q -a
    timed notmuch-new-again notmuch new
    timed mailkeep-pop3-again "$mk" --db "$mk_pop3" run
    expect mailkeep-pop3-again "$(mk_count "$mk_pop3")"
    # fetchmail exits 1 when there was no mail: that is the expected outcome here.
    timed fetchmail-again sh -c 'FETCHMAILHOME="$1" fetchmail --nodetach --silent -f "$2" --idfile "$1/fetchids"; rc=$?; [ $rc -eq 0 ] || [ $rc -eq 1 ]' \
      sh "$fm/home" "$fm/fetchmailrc"
    expect fetchmail-again "$(files_in "$fm/mail/new")"
    timed getmail-again "$gm/run.sh"
  done
done

mbnm=$(sum "${wall[mbsync]}" "${wall[notmuch-new]}")
mbnm2=$(sum "${wall[mbsync-again]}" "${wall[notmuch-new-again]}")
# getmail's own working time: its first run without the waits for missed children.
gm_net=$(echo "${wall[getmail]} - $gm_stops * $gm_wait" | bc -l | xargs printf '%.3f')
pop_best=$(min "${wall[fetchmail]}" "$gm_net")
pop_best2=$(min "${wall[fetchmail-again]}" "${wall[getmail-again]}")
mib() { echo "$((${rss[$1]} / 1024))"; }

out=$work/fetch-results.md
{
  echo "Fetching $n messages ($(numfmt --to=iec "$(du -sb "$maildir" | cut -f1)") Maildir) from a local Dovecot $(dovecot --version | cut -d' ' -f1) over TLS, $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  echo "Best of $rounds rounds. CPU: the tool's own user + system time in its best first run (not Dovecot's)."
  echo
  echo "| tool | protocol | first run (s) | its CPU (s) | no-change run (s) | peak RSS (MiB) | messages fetched |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  echo "| mbsync $(mbsync --version | cut -d' ' -f2) | IMAP | ${wall[mbsync]} | ${cpu[mbsync]} | ${wall[mbsync-again]} | $(mib mbsync) | ${got[mbsync]} |"
  echo "| mbsync + notmuch new | IMAP | $mbnm | $(sum "${cpu[mbsync]}" "${cpu[notmuch-new]}") | $mbnm2 | $(mib notmuch-new) (notmuch) | ${got[mbsync]} |"
  echo "| mailkeep-cli run | IMAP | ${wall[mailkeep-imap]} | ${cpu[mailkeep-imap]} | ${wall[mailkeep-imap-again]} | $(mib mailkeep-imap) | ${got[mailkeep-imap]} |"
  echo "| fetchmail $(fetchmail --version 2>/dev/null | sed -n 's/^This is fetchmail release \([0-9.]*\).*/\1/p') | POP3 | ${wall[fetchmail]} | ${cpu[fetchmail]} | ${wall[fetchmail-again]} | $(mib fetchmail) | ${got[fetchmail]} |"
  echo "| getmail $(getmail --version | cut -d' ' -f2) | POP3 | ${wall[getmail]} | ${cpu[getmail]} | ${wall[getmail-again]} | $(mib getmail) | ${got[getmail]} |"
  echo "| mailkeep-cli run | POP3 | ${wall[mailkeep-pop3]} | ${cpu[mailkeep-pop3]} | ${wall[mailkeep-pop3-again]} | $(mib mailkeep-pop3) | ${got[mailkeep-pop3]} |"
  echo
  echo "| ratio (below 1.0: Mailkeep is faster) | first run | no-change run |"
  echo "| --- | ---: | ---: |"
  echo "| mailkeep IMAP / mbsync | $(ratio "${wall[mailkeep-imap]}" "${wall[mbsync]}") | $(ratio "${wall[mailkeep-imap-again]}" "${wall[mbsync-again]}") |"
  echo "| mailkeep IMAP / (mbsync + notmuch new) | $(ratio "${wall[mailkeep-imap]}" "$mbnm") | $(ratio "${wall[mailkeep-imap-again]}" "$mbnm2") |"
  echo "| mailkeep POP3 / min(fetchmail, getmail) | $(ratio "${wall[mailkeep-pop3]}" "$pop_best") | $(ratio "${wall[mailkeep-pop3-again]}" "$pop_best2") |"
  echo "| mailkeep POP3 / mbsync | $(ratio "${wall[mailkeep-pop3]}" "${wall[mbsync]}") | $(ratio "${wall[mailkeep-pop3-again]}" "${wall[mbsync-again]}") |"
  echo
  if ((gm_stops == 0)); then
    echo "getmail ran in $gm_sessions sessions of at most $gm_session messages (a getmail6 6.18 bug stops a run now and then, see bench-fetch.sh); in its best first run none stopped."
  else
    echo "getmail ran in $gm_sessions sessions of at most $gm_session messages (a getmail6 6.18 bug stops a run now and then, see bench-fetch.sh); in its best first run $gm_stops stopped, each after waiting its timeout (${gm_wait} s), and fetched again what that session had fetched ($gm_extra messages delivered more than once). Without the waits it took $gm_net s (the figure the POP3 ratio uses)."
  fi
  echo
  echo "Mailkeep's peak RSS: $(mib mailkeep-imap) MiB over IMAP, $(mib mailkeep-pop3) MiB over POP3 ($(mib mailkeep-imap-again) and $(mib mailkeep-pop3-again) MiB on the no-change runs)."
} | tee "$out"
echo "(results also in $out)"
