#!/usr/bin/env bash
# One node against two: the same edition sent by one `paperboy serve` and then by two, on one
# PostgreSQL database, to Postfix's smtp-sink on loopback. Prints messages per second (subscribers
# ÷ time from the start of the edition until it is marked sent), what each node sent, and the
# claim conflicts the nodes logged (rows another sender took between a look and a claim).
#
#   flock /tmp/paperboy-bench.lock bench/cluster.sh          # 20,000 subscribers
#   flock /tmp/paperboy-bench.lock bench/cluster.sh 5000     # another size
#
# Environment: BENCH_PORT (default 2525), BENCH_CONNECTIONS per node (4), BENCH_HEAP (-Xmx256m),
# BENCH_RUNS (1), BENCH_PG (postgresql://postgres@127.0.0.1:5432), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-20000}"
port="${BENCH_PORT:-2525}"
connections="${BENCH_CONNECTIONS:-4}"
heap="${BENCH_HEAP:--Xmx256m}"
runs="${BENCH_RUNS:-1}"
pg="${BENCH_PG:-postgresql://postgres@127.0.0.1:5432}"
work="$(mktemp -d /tmp/paperboy-cluster.XXXXXX)"
sink_pid=""
node_pids=()
db=""

cleanup() {
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  [ -n "$db" ] && psql -q "$pg/postgres" -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

PATH="$PATH:/usr/sbin"
command -v smtp-sink >/dev/null || { echo "bench: smtp-sink missing; run bench/send-throughput.sh once (it installs postfix)" >&2; exit 1; }
pg_isready -q -d "$pg/postgres" || { echo "bench: PostgreSQL does not answer at $pg" >&2; exit 1; }
# the launcher rebuilds the jar when it is missing or older than the sources: never measure a stale build
if ! ./paperboy --version >/dev/null; then
  echo "bench: cannot build target/paperboy.jar" >&2
  exit 1
fi
jar="$root/target/paperboy.jar"

source "$root/bench/smtp-sink.sh"
start_sink "$port" 1024
sink_pid=$sink_started

secret="bench-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
token="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
node_vars() {  # the settings every node shares, for the database in $db
  vars=(PAPERBOY_DB_URL="jdbc:postgresql://${pg#postgresql://*@}/$db" PAPERBOY_DB_USER=postgres PAPERBOY_DB_PASSWORD=
        PAPERBOY_SMTP_HOST=127.0.0.1 PAPERBOY_SMTP_PORT="$port" PAPERBOY_SMTP_SECURITY=none
        PAPERBOY_SECRET="$secret" PAPERBOY_ADMIN_TOKEN="$token" PAPERBOY_MAIL_FROM="Paperboy <digest@bench.example>"
        PAPERBOY_BASE_URL="https://papers.bench.example" PAPERBOY_SEND_CONNECTIONS="$connections"
        PAPERBOY_DIGEST_CRON="0 0 0 1 1 ? 2099" PAPERBOY_RETRY_CRON="* * * * * ?" PAPERBOY_SOURCES=
        PAPERBOY_CLAIM_TIMEOUT=10s PAPERBOY_LOG_LEVEL=info)
}
node_env() { node_vars; env "${vars[@]}" "$@"; }
sql() { psql -qtA "$pg/$db" -c "$1"; }
# one node, run in the background: exec, so that its pid is the JVM's and SIGTERM reaches it
serve_node() {  # $1 node number, $2 web port
  mkdir -p "$work/$db-$1"
  # a directory of its own: no .env or config/paperboy.yml of the checkout is read
  node_vars
  exec env "${vars[@]}" PAPERBOY_WEB_PORT="$2" env -C "$work/$db-$1" java $heap -jar "$jar" serve > "$work/$db-$1.log" 2>&1
}

# one edition sent by $1 nodes on a freshly seeded database; prints "seconds sent conflicts per-node"
edition() {
  local nodes=$1
  db="paperboy_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql -q "$pg/postgres" -c "create database $db"
  node_env java -cp "$jar" "$root/bench/BenchSeed.java" "$n" >/dev/null
  node_pids=()
  local ports=()
  for i in $(seq "$nodes"); do
    local web=$((port + 10 + i))
    ports+=("$web")
    serve_node "$i" "$web" &
    node_pids+=($!)
  done
  for i in $(seq "$nodes"); do
    for _ in $(seq 600); do grep -q "Paperboy is running" "$work/$db-$i.log" && break; sleep 0.1; done
    grep -q "Paperboy is running" "$work/$db-$i.log" || { echo "bench: node $i did not start" >&2; cat "$work/$db-$i.log" >&2; exit 1; }
  done
  local start end status=""
  start=$(date +%s.%N)
  curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[0]}/api/editions" >/dev/null
  for _ in $(seq 6000); do
    status=$(sql "select status from editions")
    [ "$status" = sent ] && break
    sleep 0.1
  done
  end=$(date +%s.%N)
  [ "$status" = sent ] || { echo "bench: the edition was not sent" >&2; tail -20 "$work/$db-"*.log >&2; exit 1; }
  local sent conflicts per_node
  sent=$(sql "select count(*) from deliveries where state = 'sent'")
  conflicts=$(cat "$work/$db-"*.log | sed -n 's/.*event=edition_send_finished.* claim_conflicts=\([0-9]*\).*/\1/p' \
    | awk '{s += $1} END {print s + 0}')
  per_node=$(sql "select string_agg(c::text, '+' order by c desc) from (select count(*) c from deliveries
    where state = 'sent' group by split_part(claimed_by, '/', 1)) t")
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  node_pids=()
  [ "$sent" = "$n" ] || { echo "bench: $sent of $n sent" >&2; exit 1; }
  psql -q "$pg/postgres" -c "drop database $db with (force)"
  db=""
  awk -v a="$start" -v b="$end" -v c="$conflicts" -v p="$per_node" 'BEGIN {printf "%.2f %s %s\n", b - a, c, p}'
}

printf '\n%-12s %-6s %12s %10s %16s %16s\n' "subscribers" "nodes" "messages/s" "seconds" "claim conflicts" "sent per node"
for nodes in 1 2; do
  for run in $(seq "$runs"); do
    edition "$nodes" > "$work/result"  # in this shell, so that the exit trap knows the nodes and the database
    read -r secs conflicts per_node < "$work/result"
    printf '%-12s %-6s %12.0f %10s %16s %16s\n' "$n" "$nodes" "$(awk -v n="$n" -v s="$secs" 'BEGIN {print n / s}')" \
      "$secs" "$conflicts" "$per_node"
  done
done
echo
echo "messages/s = subscribers / time from POST /api/editions until the edition is marked sent (the nodes already running)"
echo "each node: $connections connections, $heap, no rate cap; PostgreSQL and smtp-sink on the same machine"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
