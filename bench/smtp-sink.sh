# Sourced by the benchmarks. start_sink PORT BACKLOG [smtp-sink options...] starts Postfix's smtp-sink
# on 127.0.0.1:PORT (as nobody when run as root: it must drop privileges) and sets sink_started to its
# pid. A port something already listens on is refused: smtp-sink shares a port with another listener
# (SO_REUSEPORT), which would split the connections between two sinks and skew the figures.
start_sink() {
  local port="$1" backlog="$2"
  shift 2
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: something already listens on 127.0.0.1:$port; stop it or set BENCH_PORT" >&2
    exit 1
  fi
  local user=()
  [ "$(id -u)" = 0 ] && user=(-u nobody)
  smtp-sink "${user[@]}" "$@" "127.0.0.1:$port" "$backlog" &
  sink_started=$!
  sleep 0.5
  kill -0 "$sink_started" || { echo "bench: smtp-sink did not start on port $port" >&2; exit 1; }
}
