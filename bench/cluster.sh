#!/usr/bin/env bash
# Cluster CPU: what Redis costs a node. The shared kit's load (CONNECTIONS on 3 symbols at INTERVAL_MS) against
#   single   one node, embedded (SQLite, no Redis)
#   cluster  two nodes sharing a private redis-server and a private PostgreSQL 15 that this script starts on loopback
#            (ConnectionStrings__Redis, Database__Provider=Postgres, ConnectionStrings__Ticker); half of the
#            connections on each node, measured at the same time
# and reports each node's CPU per delivered quote (microseconds of CPU per quote delivered by that node), the
# cluster nodes' against the single node's (target: within 1.15x), and the CPU of Redis (and PostgreSQL) in the
# same window. Everything it starts is stopped by PID (PostgreSQL with pg_ctl), its folders under RESULTS_DIR.
# Writes single.json, cluster-a.json, cluster-b.json and cluster.md.
#
#   bench/cluster.sh [connections] [seconds]     defaults: 1000 connections, 20 s windows (about 2 minutes)
#   CASES=single bench/cluster.sh 200 10        a small check of the single-node half
#
# Environment knobs (defaults in brackets):
#   INTERVAL_MS [10]  SYMBOLS [BTC-USD,ETH-USD,SOL-USD]  CASES [single,cluster]  RAMP [1000]  WARMUP [3]
#   PG_BIN [/usr/lib/postgresql/15/bin]  (run as the postgres OS user when this script runs as root: PostgreSQL
#   refuses root)   RESULTS_DIR [/tmp/ticker-bench/cluster-<time>]   NO_BUILD [0]   EXTRA_ENV []   BENCH_ARGS []
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage_from_header "${BASH_SOURCE[0]}"; exit 0; }

CONNECTIONS="${1:-1000}"
SECONDS_WINDOW="${2:-20}"
INTERVAL_MS="${INTERVAL_MS:-10}"
SYMBOLS="${SYMBOLS:-BTC-USD,ETH-USD,SOL-USD}"
CASES="${CASES:-single,cluster}"
RAMP="${RAMP:-1000}"
WARMUP="${WARMUP:-3}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RESULTS_DIR="${RESULTS_DIR:-/tmp/ticker-bench/cluster-$(stamp)}"
BENCH_ARGS="${BENCH_ARGS:-}"

[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$CONNECTIONS" -ge 2 ]] || die "connections must be an integer of at least 2"
[[ "$SECONDS_WINDOW" =~ ^[0-9]+$ && "$SECONDS_WINDOW" -ge 1 && "$SECONDS_WINDOW" -le 600 ]] || die "seconds must be from 1 to 600"
AS_PG=(); [[ "$EUID" == 0 ]] && AS_PG=(runuser -u postgres --)

raise_fds "$CONNECTIONS"
build_all
mkdir -p "$RESULTS_DIR"
LIMIT=$(( CONNECTIONS / RAMP + WARMUP + SECONDS_WINDOW + 120 ))

bench_against() {  # name url pid connections [more ticker-bench options]
  local name="$1" url="$2" pid="$3" n="$4"; shift 4
  # shellcheck disable=SC2086
  run_bench "$LIMIT" --url "$url" --api-key "$DEMO_KEY" --connections "$n" --ramp "$RAMP" --warmup "$WARMUP" \
    --duration "$SECONDS_WINDOW" --symbols "$SYMBOLS" --server-pid "$pid" --json-file "$RESULTS_DIR/$name.json" "$@" $BENCH_ARGS \
    > "$RESULTS_DIR/$name.summary" 2> "$RESULTS_DIR/$name.bench.log" || log "$name: the bench failed (see $RESULTS_DIR/$name.bench.log)"
  cat "$RESULTS_DIR/$name.summary" >&2 || true
}

run_single() {
  local port url
  port="$(free_port)"; url="http://127.0.0.1:$port"
  start_server single "$url" "$RESULTS_DIR/single" "Ticker__IntervalMs=$INTERVAL_MS" || die "single: the server did not start"
  bench_against single "$url" "$SERVER_PID" "$CONNECTIONS"
  cleanup_all
}

start_redis() {
  local dir="$RESULTS_DIR/redis"
  REDIS_PORT="$(free_port)"; mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --daemonize no --save "" --appendonly no > "$dir/redis.log" 2>&1 &
  REDIS_PID=$!; STARTED_PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" == PONG ]] && return 0
    sleep 0.1
  done
  die "redis-server did not answer PING (see $dir/redis.log)"
}

start_postgres() {
  local dir="$RESULTS_DIR/postgres"
  PG_PORT="$(free_port)"; PG_DATA="$dir/data"
  mkdir -p "$dir/socket"; chmod 0755 "$RESULTS_DIR"
  [[ "$EUID" == 0 ]] && chown -R postgres "$dir"
  "${AS_PG[@]}" "$PG_BIN/initdb" --pgdata "$PG_DATA" --username postgres --auth trust --encoding UTF8 --no-locale --no-sync \
    --no-instructions > "$dir/initdb.log" 2>&1 || die "initdb failed (see $dir/initdb.log)"
  STOP_HOOKS+=("\"\${AS_PG[@]}\" \"$PG_BIN/pg_ctl\" stop -D \"$PG_DATA\" -m fast -t 20 >/dev/null 2>&1")
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$dir/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $dir/socket -c fsync=off -c full_page_writes=off -c max_connections=200" >/dev/null \
    || die "PostgreSQL did not start (see $dir/postgres.log)"
  PG_PID="$(head -n1 "$PG_DATA/postmaster.pid")"
  "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE ticker" >/dev/null || die "could not create the database"
}

run_cluster() {
  start_redis
  start_postgres
  local -a cluster_env=("Ticker__IntervalMs=$INTERVAL_MS" "ConnectionStrings__Redis=127.0.0.1:$REDIS_PORT"
    "Database__Provider=Postgres" "ConnectionStrings__Ticker=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=ticker")
  local url_a url_b pid_a pid_b
  url_a="http://127.0.0.1:$(free_port)"
  # One after the other: the first applies the migrations.
  start_server cluster-a "$url_a" "$RESULTS_DIR/cluster-a" "${cluster_env[@]}" \
    || { log "cluster: node A did not start; is the cluster feature (issue 16) in this checkout? Skipping the cluster half."; cleanup_all; return 0; }
  pid_a="$SERVER_PID"
  url_b="http://127.0.0.1:$(free_port)"
  start_server cluster-b "$url_b" "$RESULTS_DIR/cluster-b" "${cluster_env[@]}" || { log "cluster: node B did not start"; cleanup_all; return 0; }
  pid_b="$SERVER_PID"
  local half=$(( CONNECTIONS / 2 ))
  # Both halves at once, so both windows see the whole cluster loaded; Redis and PostgreSQL watched from one.
  bench_against cluster-a "$url_a" "$pid_a" "$half" --watch-pid "redis=$REDIS_PID" --watch-pid "postgres=$PG_PID" &
  local bench_a=$!
  bench_against cluster-b "$url_b" "$pid_b" "$(( CONNECTIONS - half ))" &
  local bench_b=$!
  wait "$bench_a" "$bench_b" || true
  cleanup_all
}

IFS=',' read -r -a cases <<< "$CASES"
for c in "${cases[@]}"; do
  case "$c" in
    single) run_single ;;
    cluster) run_cluster ;;
    *) die "unknown case '$c' (single, cluster)" ;;
  esac
done

# CPU per delivered quote: CPU seconds per second (cpu% / 100) over deliveries per second, in microseconds.
row() {
  local name="$1" json="$RESULTS_DIR/$1.json"
  [[ -f "$json" ]] || return 0
  jq -r --arg name "$name" '
    "| \($name) | \(.connectionsOk) | \(.deliveriesPerSecond | round) | \(.latencyP99Ms) | \(.serverCpuPercent // "n/a") | \(if .serverCpuPercent and .deliveriesPerSecond > 0 then (.serverCpuPercent * 10000 / .deliveriesPerSecond * 100 | round / 100) else "n/a" end) | \(.serverRssMiB // "n/a") |"' "$json"
}
us_per_quote() { jq -r 'if .serverCpuPercent and .deliveriesPerSecond > 0 then .serverCpuPercent * 10000 / .deliveriesPerSecond else empty end' "$1" 2>/dev/null; }
{
  echo "Cluster CPU, $(date -u +%F): $CONNECTIONS connections on $SYMBOLS every ${INTERVAL_MS} ms, ${SECONDS_WINDOW}s windows, $(nproc) cores."
  echo
  echo "| node | connections | deliveries/s | p99 ms | CPU % | CPU µs per delivered quote | RSS MiB |"
  echo "|---|---|---|---|---|---|---|"
  row single; row cluster-a; row cluster-b
  if [[ -f "$RESULTS_DIR/cluster-a.json" ]]; then
    echo
    jq -r '.watchedCpuPercent // {} | to_entries[] | "- \(.key) CPU in the window: \(.value // "n/a")% of one core"' "$RESULTS_DIR/cluster-a.json"
  fi
  single_us="$(us_per_quote "$RESULTS_DIR/single.json" || true)"
  for node in cluster-a cluster-b; do
    node_us="$(us_per_quote "$RESULTS_DIR/$node.json" || true)"
    if [[ -n "$single_us" && -n "$node_us" ]]; then
      awk -v n="$node_us" -v s="$single_us" -v name="$node" \
        'BEGIN { r = n / s; printf "- %s: %.2fx the single node'"'"'s CPU per delivered quote (<= 1.15x passes): %s\n", name, r, (r <= 1.15 ? "pass" : "FAIL") }'
    fi
  done
} > "$RESULTS_DIR/cluster.md"
echo
cat "$RESULTS_DIR/cluster.md"
log "results in $RESULTS_DIR"
