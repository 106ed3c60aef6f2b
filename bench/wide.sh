#!/usr/bin/env bash
# Wide universe: many instruments, sparse watchlists. Two cases, each against a fresh Release server this script
# starts (Production, loopback, stopped by PID):
#   wide    UNIVERSE simulated instruments (S0001 …) every INTERVAL_MS; each connection on SYMBOLS_PER_CONN of
#           them, chosen Zipf-like (popular symbols get more subscribers)
#   narrow  the same connections on the same 3 symbols, ticking faster so that the nominal deliveries/s are the
#           same as the wide case's (INTERVAL_MS x 3 / SYMBOLS_PER_CONN: 15 ms by default)
# Each server first runs until its history is full (HISTORY_SIZE ticks), so the memory measured is the
# connections', not history still filling. Reports per case deliveries/s (% of nominal), p50/p99, server CPU, RSS
# and RSS per connection, then the wide case against its targets (>= 99% of nominal, p99 <= 100 ms, RSS per
# connection within 1.25x the narrow case's). Writes wide.json, narrow.json and wide.md in the results folder.
#
#   bench/wide.sh [connections] [seconds]      defaults: 2000 connections, 30 s windows (about 6 minutes in all)
#   bench/wide.sh 200 10                       a small check
#
# Environment knobs (defaults in brackets):
#   UNIVERSE [5000]  SYMBOLS_PER_CONN [20]  INTERVAL_MS [100]  ZIPF_EXPONENT [1.0]  HISTORY_SIZE [1000]
#   NARROW_SYMBOLS [BTC-USD,ETH-USD,SOL-USD]   CASES [wide,narrow]
#   RAMP [1000] connections/s   WARMUP [5] s   RESULTS_DIR [/tmp/ticker-bench/wide-<time>]   NO_BUILD [0]   PIN [0]
#   EXTRA_ENV []  more server settings;  BENCH_ARGS []  more ticker-bench options
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage_from_header "${BASH_SOURCE[0]}"; exit 0; }

CONNECTIONS="${1:-2000}"
SECONDS_WINDOW="${2:-30}"
UNIVERSE="${UNIVERSE:-5000}"
SYMBOLS_PER_CONN="${SYMBOLS_PER_CONN:-20}"
INTERVAL_MS="${INTERVAL_MS:-100}"
ZIPF_EXPONENT="${ZIPF_EXPONENT:-1.0}"
HISTORY_SIZE="${HISTORY_SIZE:-1000}"
NARROW_SYMBOLS="${NARROW_SYMBOLS:-BTC-USD,ETH-USD,SOL-USD}"
CASES="${CASES:-wide,narrow}"
RAMP="${RAMP:-1000}"
WARMUP="${WARMUP:-5}"
RESULTS_DIR="${RESULTS_DIR:-/tmp/ticker-bench/wide-$(stamp)}"
BENCH_ARGS="${BENCH_ARGS:-}"

[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$CONNECTIONS" -ge 1 ]] || die "connections must be a positive integer"
[[ "$SECONDS_WINDOW" =~ ^[0-9]+$ && "$SECONDS_WINDOW" -ge 1 && "$SECONDS_WINDOW" -le 600 ]] || die "seconds must be from 1 to 600"
IFS=',' read -r -a narrow <<< "$NARROW_SYMBOLS"
NARROW_INTERVAL_MS=$(( (INTERVAL_MS * ${#narrow[@]} + SYMBOLS_PER_CONN / 2) / SYMBOLS_PER_CONN ))
(( NARROW_INTERVAL_MS >= 1 )) || NARROW_INTERVAL_MS=1

raise_fds "$CONNECTIONS"
build_all
mkdir -p "$RESULTS_DIR"

run_case() {
  local name="$1" interval="$2" symbols="$3" per_conn="$4"; shift 4
  local port url settle
  port="$(free_port)"; url="http://127.0.0.1:$port"
  start_server "$name" "$url" "$RESULTS_DIR/$name" "Ticker__IntervalMs=$interval" "Ticker__HistorySize=$HISTORY_SIZE" "$@" \
    || die "$name: the server did not start"
  settle="$(awk -v h="$HISTORY_SIZE" -v i="$interval" 'BEGIN { printf "%d", h * i / 1000 + 5 }')"
  log "$name: waiting ${settle}s for every instrument's history to fill"
  sleep "$settle"
  local limit=$(( CONNECTIONS / RAMP + WARMUP + SECONDS_WINDOW + 120 ))
  # shellcheck disable=SC2086
  run_bench "$limit" --url "$url" --api-key "$DEMO_KEY" --connections "$CONNECTIONS" --ramp "$RAMP" --warmup "$WARMUP" \
    --duration "$SECONDS_WINDOW" --symbols "$symbols" --symbols-per-conn "$per_conn" --choice zipf --zipf-exponent "$ZIPF_EXPONENT" \
    --server-pid "$SERVER_PID" --json-file "$RESULTS_DIR/$name.json" $BENCH_ARGS \
    > "$RESULTS_DIR/$name.summary" 2> >(tee "$RESULTS_DIR/$name.bench.log" >&2) || log "$name: the bench failed (see $RESULTS_DIR/$name.bench.log)"
  cat "$RESULTS_DIR/$name.summary" >&2 || true
  cleanup_all
}

IFS=',' read -r -a cases <<< "$CASES"
for c in "${cases[@]}"; do
  case "$c" in
    wide)
      mapfile -t universe < <(universe_env "$UNIVERSE")
      run_case wide "$INTERVAL_MS" '*' "$SYMBOLS_PER_CONN" "${universe[@]}" ;;
    narrow)
      narrow_env=()
      for s in "${narrow[@]}"; do narrow_env+=("Ticker__Symbols__$s=100"); done
      run_case narrow "$NARROW_INTERVAL_MS" "$NARROW_SYMBOLS" 0 "${narrow_env[@]}" ;;
    *) die "unknown case '$c' (wide, narrow)" ;;
  esac
done

# One row per case; nominal = connections up x symbols each x ticks per second.
row() {
  local name="$1" interval="$2" per_conn="$3" instruments="$4" json="$RESULTS_DIR/$1.json"
  [[ -f "$json" ]] || { echo "| $name | no result |"; return; }
  jq -r --arg name "$name" --argjson interval "$interval" --argjson per "$per_conn" --argjson instruments "$instruments" '
    (.connectionsOk * $per * 1000 / $interval) as $nominal |
    "| \($name) | \(.connectionsOk) | \($per) | \($instruments) | \($interval) ms | \($nominal | round) | \(.deliveriesPerSecond | round) (\((.deliveriesPerSecond * 1000 / $nominal | round) / 10)%) | \(.latencyP50Ms) | \(.latencyP99Ms) | \(.serverCpuPercent // "n/a") | \(.serverRssMiB // "n/a") | \(.serverKiBPerConnection // "n/a") |"' "$json"
}
{
  echo "Wide universe, $(date -u +%F): $CONNECTIONS connections, ${SECONDS_WINDOW}s windows, zipf exponent $ZIPF_EXPONENT, $(nproc) cores."
  echo
  echo "| case | connections | symbols each | instruments | tick | nominal/s | deliveries/s (% nominal) | p50 ms | p99 ms | server CPU % | RSS MiB | KiB per connection |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  row wide "$INTERVAL_MS" "$SYMBOLS_PER_CONN" "$UNIVERSE"
  row narrow "$NARROW_INTERVAL_MS" "${#narrow[@]}" "${#narrow[@]}"
  if [[ -f "$RESULTS_DIR/wide.json" ]]; then
    echo
    jq -r --argjson interval "$INTERVAL_MS" --argjson per "$SYMBOLS_PER_CONN" '
      (.connectionsOk * $per * 1000 / $interval) as $nominal | (.deliveriesPerSecond * 100 / $nominal) as $pct |
      "- wide: \($pct * 10 | round / 10)% of nominal (>= 99% passes): \(if $pct >= 99 then "pass" else "FAIL" end)",
      "- wide: p99 \(.latencyP99Ms) ms (<= 100 ms passes): \(if .latencyP99Ms <= 100 then "pass" else "FAIL" end)"' "$RESULTS_DIR/wide.json"
    if [[ -f "$RESULTS_DIR/narrow.json" ]]; then
      jq -rn --slurpfile w "$RESULTS_DIR/wide.json" --slurpfile n "$RESULTS_DIR/narrow.json" '
        ($w[0].serverKiBPerConnection) as $a | ($n[0].serverKiBPerConnection) as $b |
        if $a == null or $b == null then "- RSS per connection: not measured (no --server-pid figures)"
        elif $a <= 0 or $b <= 0 then "- RSS per connection: wide \($a) KiB, narrow \($b) KiB: below what the GC moves RSS by; run more connections"
        else "- RSS per connection: wide \($a) KiB, narrow \($b) KiB, \($a / $b * 100 | round / 100)x (<= 1.25x passes): \(if $a / $b <= 1.25 then "pass" else "FAIL" end)" end'
    fi
  fi
} > "$RESULTS_DIR/wide.md"
echo
cat "$RESULTS_DIR/wide.md"
log "results in $RESULTS_DIR"
