#!/usr/bin/env bash
# Requests per second of the pages that do not change, served by `paperboy demo --serve` (the
# web server of `serve`, on a fresh database with one sent edition), next to a private nginx
# serving the same bytes from files (the reference), measured with wrk in one run.
#
#   flock /tmp/paperboy-bench.lock bench/web.sh
#
# Routes: GET /editions/DATE, GET /feed.xml, GET /. For each route wrk runs BENCH_SECONDS
# (default 5) with BENCH_CONNECTIONS (50) connections against paperboy, then against nginx,
# BENCH_RUNS times (default 3), and the table shows the medians and their ratio. Paperboy is
# warmed up first (the JIT needs a few seconds of traffic). The nginx is our own: its own
# config, pid, logs and temp files in a temp directory, on a free loopback port; the system's
# nginx is never touched. Environment: BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${BENCH_SECONDS:-5}"
connections="${BENCH_CONNECTIONS:-50}"
runs="${BENCH_RUNS:-3}"
work="$(mktemp -d /tmp/paperboy-web-bench.XXXXXX)"
chmod 755 "$work"
demo_pid=""
nginx_started=""

cleanup() {
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
  if [ -n "$nginx_started" ] && [ -f "$work/nginx/nginx.pid" ]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  fi
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench: $tool is missing (apt-get install wrk nginx-light curl)" >&2; exit 1; }
done
PATH="$PATH:/usr/sbin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# 1. the jar, rebuilt when the sources are newer
jar="$root/target/paperboy.jar"
if [ ! -f "$jar" ] || [ -n "$(find src/main templates pom.xml -newer "$jar" -print -quit)" ]; then
  echo "bench: building target/paperboy.jar" >&2
  ./mvnw -B -q -DskipTests package >&2
fi

# 2. paperboy: the demo's fresh database with one edition sent, then its web server; the JVM's
# defaults of `serve` (the launcher's one-shot options would cripple a server)
app_port="$(free_port)"
(cd "$work" && exec java -jar "$jar" demo --out "$work/demo" --serve --port "$app_port") > "$work/demo.out" 2>&1 &
demo_pid=$!
for _ in $(seq 600); do
  curl -fs -o /dev/null "http://127.0.0.1:$app_port/health" && break
  kill -0 "$demo_pid" 2>/dev/null || { echo "bench: the demo stopped" >&2; cat "$work/demo.out" >&2; exit 1; }
  sleep 0.2
done
date="$(sed -n 's/^  edition      \([0-9-]*\) .*/\1/p' "$work/demo.out")"
[ -n "$date" ] || { echo "bench: no edition date in the demo's output" >&2; cat "$work/demo.out" >&2; exit 1; }
app="http://127.0.0.1:$app_port"

# 3. nginx serving the same bytes from files, at the same paths
www="$work/www"
mkdir -p "$www/editions" "$work/nginx/tmp"
curl -fsS -o "$www/editions/$date" "$app/editions/$date"
curl -fsS -o "$www/feed.xml" "$app/feed.xml"
curl -fsS -o "$www/index.html" "$app/"
chmod -R a+rX "$www" "$work/nginx"
web_port="$(free_port)"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user nobody nogroup;"
cat > "$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$web_port;
    root $www;
    location /editions/ { default_type "text/html; charset=UTF-8"; }
    location = /feed.xml { default_type "application/atom+xml; charset=utf-8"; }
    location = / { default_type "text/html; charset=UTF-8"; index index.html; }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
nginx_started=1
ref="http://127.0.0.1:$web_port"
for path in "/editions/$date" /feed.xml /; do
  cmp -s <(curl -fsS "$app$path") <(curl -fsS "$ref$path") \
    || { echo "bench: nginx and paperboy answer $path with different bytes" >&2; exit 1; }
done

rps() {  # requests per second of one wrk run
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" | awk '/^Requests\/sec:/ {print $2}'
}
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "bench: warming up paperboy" >&2
for _ in 1 2; do
  for path in "/editions/$date" /feed.xml /; do
    wrk -t2 -c"$connections" -d"${seconds}s" "$app$path" >/dev/null
  done
done

bytes() { curl -fsS "$1" | wc -c; }
printf '\n%-24s %8s %14s %14s %8s\n' "route" "bytes" "paperboy req/s" "nginx req/s" "ratio"
for path in "/editions/$date" /feed.xml /; do
  : > "$work/app.runs"; : > "$work/ref.runs"
  for _ in $(seq "$runs"); do
    rps "$app$path" >> "$work/app.runs"
    rps "$ref$path" >> "$work/ref.runs"
  done
  a=$(median < "$work/app.runs"); r=$(median < "$work/ref.runs")
  printf '%-24s %8s %14.0f %14.0f %8.2f\n' "GET $path" "$(bytes "$app$path")" "$a" "$r" "$(awk -v a="$a" -v r="$r" 'BEGIN {print a / r}')"
done
echo
echo "wrk -t2 -c$connections -d${seconds}s, medians of $runs runs each, paperboy and nginx taking turns; $(nproc) cores, $(date -u +%F)"
