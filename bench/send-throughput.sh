#!/usr/bin/env bash
# Send throughput of `paperboy send` against Postfix's smtp-sink on loopback, next to
# smtp-source sending the same number of messages of the same size (the reference).
#
#   bench/send-throughput.sh            # 20,000 and 100,000 subscribers
#   bench/send-throughput.sh 5000       # any list of sizes
#   BENCH_PERSONAL=1 bench/send-throughput.sh 100000
#                                       # personalised: every subscriber has 0-3 topics from 200
#                                       # keywords of the sample papers and two earlier editions
#                                       # received; the time to choose all selections is its own column
#
# Each size runs BENCH_RUNS times (default 3), paperboy and smtp-source taking turns, and the
# table shows the medians: on a small shared machine either rate moves by 20 % from run to run.
#
# With BENCH_DKIM=1 (the default) each run also sends the same edition signed with DKIM (RSA-2048,
# a key made by `paperboy dkim keygen`), and the table gets a row "paperboy+dkim"; BENCH_DKIM=0 skips it.
# With BENCH_PERSONAL=1 the subscribers get topics and a history of earlier editions (bench/BenchSeed.java),
# and the table shows the time to choose every reader's papers and how many distinct selections there were.
#
# Environment: BENCH_PERSONAL (0), BENCH_PORT (default 2525), BENCH_CONNECTIONS (4), BENCH_HEAP (-Xmx256m),
# BENCH_RUNS (3), BENCH_DKIM (1), BENCH_KEEP=1 keeps the work directory. Needs root (or sudo) once to install
# postfix and time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(20000 100000)
port="${BENCH_PORT:-2525}"
connections="${BENCH_CONNECTIONS:-4}"
heap="${BENCH_HEAP:--Xmx256m}"
runs="${BENCH_RUNS:-3}"
dkim="${BENCH_DKIM:-1}"
personal=()
[ "${BENCH_PERSONAL:-0}" = 1 ] && personal=(personal)
work="$(mktemp -d /tmp/paperboy-bench.XXXXXX)"
sink_pid=""

cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. tools: smtp-sink and smtp-source (postfix, installed without starting the mail service), GNU time
if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  echo "bench: installing postfix for smtp-sink/smtp-source" >&2
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d'
  echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postfix >&2
fi
if [ ! -x /usr/bin/time ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y time >&2
fi
PATH="$PATH:/usr/sbin"

# 2. the jar
# the launcher rebuilds the jar when it is missing or older than the sources: never measure a stale build
if ! ./paperboy --version >/dev/null; then
  echo "bench: cannot build target/paperboy.jar" >&2
  exit 1
fi
jar="$root/target/paperboy.jar"

# 3. smtp-sink on loopback (and, in 4., a second one on the next port that keeps the sample)
source "$root/bench/smtp-sink.sh"
start_sink "$port" 1024
sink_pid=$sink_started

secret="bench-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
run_env() {  # the settings of one benchmark database
  env PAPERBOY_DB_URL="jdbc:h2:file:$work/$1/paperboy;AUTO_SERVER=TRUE" \
      PAPERBOY_SMTP_HOST=127.0.0.1 PAPERBOY_SMTP_PORT="$port" PAPERBOY_SMTP_SECURITY=none \
      PAPERBOY_SECRET="$secret" PAPERBOY_MAIL_FROM="Paperboy <digest@bench.example>" \
      PAPERBOY_BASE_URL="https://papers.bench.example" PAPERBOY_SEND_CONNECTIONS="$connections" \
      PAPERBOY_LOG_LEVEL=warn "${@:2}"
}

# 4. one real digest, captured, as smtp-source's message: same bytes, same size
mkdir -p "$work/sample/dump" && chmod 755 "$work" "$work/sample" && chmod 777 "$work/sample/dump"
sample_port=$((port + 1))
start_sink "$sample_port" 16 -d "$work/sample/dump/%M."
sample_sink=$sink_started
run_env sample java -cp "$jar" "$root/bench/BenchSeed.java" 1 >/dev/null
# through the launcher, as the runs below: a first run after a build also writes the class-data archive
run_env sample PAPERBOY_SMTP_PORT="$sample_port" PAPERBOY_JAVA_OPTS="$heap" ./paperboy send >/dev/null 2>&1
sleep 0.5
kill "$sample_sink" 2>/dev/null || true
dump="$(find "$work/sample/dump" -type f | head -1)"
[ -n "$dump" ] || { echo "bench: no sample message captured" >&2; exit 1; }
# smtp-sink's dump starts with its own X- lines and the envelope; keep the message from its first header
awk 'started || /^(Date|From|Message-ID|To|Subject):/ {started=1; print}' "$dump" \
  | grep -v '^X-Client-Addr\|^X-Client-Proto\|^X-Helo-Args\|^X-Mail-Args\|^X-Rcpt-Args' > "$work/sample.eml"
size=$(wc -c < "$work/sample.eml")
echo "bench: one digest is $size bytes" >&2

# the signing key of the signed row, made as an operator makes it
dkim_env=()
if [ "$dkim" = 1 ]; then
  java -cp "$jar" org.paperboy.cli.Main dkim keygen --selector bench --domain bench.example \
    --out "$work/dkim-bench.pem" >/dev/null
  dkim_env=(PAPERBOY_DKIM_DOMAIN=bench.example PAPERBOY_DKIM_SELECTOR=bench PAPERBOY_DKIM_PRIVATE_KEY="$work/dkim-bench.pem")
fi

# one timed `paperboy send` of database $1 into $1.out/.err/.time; prints "wall rss loop_s loop_rate"
timed_send() {
  local name="$1"; shift
  rm -rf "$work/$name" && cp -r "$work/$name.seed" "$work/$name"
  sync  # the seeding's and the copy's writes reach the disk before the clock starts, not during the run
  run_env "$name" PAPERBOY_JAVA_OPTS="$heap" "$@" /usr/bin/time -v -o "$work/$name.time" \
    ./paperboy send > "$work/$name.out" 2> "$work/$name.err" || true
  local wall rss sent loop
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); s=0; for (i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$name.time")
  sent=$(sed -n 's/^Edition [0-9-]*: \([0-9]*\) sent now.*/\1/p' "$work/$name.out")
  loop=$(sed -n 's/.* in \([0-9.]*\) s (\([0-9]*\) msg\/s).*/\1 \2/p' "$work/$name.out")
  [ "$sent" = "$n" ] || { echo "bench: paperboy sent '$sent' of $n" >&2; cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
  echo "$wall $rss ${loop%% *} ${loop##* }"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

printf '\n%-12s %-12s %12s %10s %10s %12s %12s %8s %9s %11s\n' "subscribers" "sender" "messages/s" "wall s" "send s" "peak RSS MB" "loop msg/s" "ratio" "choose s" "selections"
for n in "${sizes[@]}"; do
  name="n$n"
  run_env "$name" java -cp "$jar" "$root/bench/BenchSeed.java" "$n" "${personal[@]}" >&2
  mv "$work/$name" "$work/$name.seed"
  : > "$work/$name.runs"
  for run in $(seq "$runs"); do
    # paperboy: the whole command, JVM start and ledger set-up included, on a fresh copy of the seed
    plain=$(timed_send "$name")
    # "Chosen: papers for N readers in S s, M distinct selections, ..." (absent when nobody needed choosing)
    choose=$(sed -n 's/^Chosen: papers for [0-9]* readers in \([0-9.]*\) s, \([0-9]*\) distinct.*/\1 \2/p' "$work/$name.out")
    [ -n "$choose" ] || choose="0 0"
    signed="- - - -"
    if [ "$dkim" = 1 ]; then
      signed=$(timed_send "$name" "${dkim_env[@]}")
      grep -q . "$work/$name.err" && grep -i "dkim\|warn\|error" "$work/$name.err" >&2 || true
    fi

    # reference right after: smtp-source, same count, same message, same number of connections kept open
    sync
    start=$(date +%s.%N)
    smtp-source -d -s "$connections" -m "$n" -F "$work/sample.eml" -f digest@bench.example -t reader@bench.example \
      "127.0.0.1:$port"
    end=$(date +%s.%N)
    ref_wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    echo "$plain $ref_wall $signed $choose" >> "$work/$name.runs"
    awk -v n="$n" -v r="$run" '{printf "  run %d: paperboy %.0f msg/s (%.2f s), smtp-source %.0f msg/s (%.2f s), ratio %.2f", r, n/$1, $1, n/$5, $5, $5/$1;
      if ($6 != "-") printf "; signed %.0f msg/s (%.2f s), ratio %.2f", n/$6, $6, $5/$6; printf "\n"}' \
      <(tail -1 "$work/$name.runs") >&2
  done
  # the median of each column over the runs; the ratio is that of the medians
  wall=$(cut -d' ' -f1 "$work/$name.runs" | median)
  rss=$(cut -d' ' -f2 "$work/$name.runs" | sort -g | tail -1)
  send=$(cut -d' ' -f3 "$work/$name.runs" | median)
  loop=$(cut -d' ' -f4 "$work/$name.runs" | median)
  ref_wall=$(cut -d' ' -f5 "$work/$name.runs" | median)
  choose=$(cut -d' ' -f10 "$work/$name.runs" | median)
  selections=$(cut -d' ' -f11 "$work/$name.runs" | median)
  pb_rate=$(awk -v n="$n" -v w="$wall" 'BEGIN {printf "%.0f", n / w}')
  ref_rate=$(awk -v n="$n" -v w="$ref_wall" 'BEGIN {printf "%.0f", n / w}')
  ratio=$(awk -v a="$pb_rate" -v b="$ref_rate" 'BEGIN {printf "%.2f", a / b}')
  printf '%-12s %-12s %12s %10s %10s %12s %12s %8s %9s %11s\n' "$n" "paperboy" "$pb_rate" "$wall" "$send" "$rss" "$loop" "$ratio" "$choose" "$selections"
  if [ "$dkim" = 1 ]; then
    s_wall=$(cut -d' ' -f6 "$work/$name.runs" | median)
    s_rss=$(cut -d' ' -f7 "$work/$name.runs" | sort -g | tail -1)
    s_send=$(cut -d' ' -f8 "$work/$name.runs" | median)
    s_loop=$(cut -d' ' -f9 "$work/$name.runs" | median)
    s_rate=$(awk -v n="$n" -v w="$s_wall" 'BEGIN {printf "%.0f", n / w}')
    s_ratio=$(awk -v n="$n" -v w="$s_wall" -v b="$ref_rate" 'BEGIN {printf "%.2f", n / w / b}')
    printf '%-12s %-12s %12s %10s %10s %12s %12s %8s\n' "$n" "paperboy+dkim" "$s_rate" "$s_wall" "$s_send" "$s_rss" "$s_loop" "$s_ratio"
  fi
  printf '%-12s %-12s %12s %10s %10s %12s %12s %8s\n' "$n" "smtp-source" "$ref_rate" "$ref_wall" "-" "-" "-" "1.00"
  rm -rf "$work/$name" "$work/$name.seed"
done
echo
echo "medians of $runs runs, paperboy and smtp-source taking turns; peak RSS is the largest of the runs"
echo "messages/s = subscribers / wall time of the whole command; loop msg/s = paperboy's own figure for the send loop"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
