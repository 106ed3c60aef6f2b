#!/usr/bin/env bash
# Publish path: a publisher pushes quotes at a target rate, in batches, while subscriber connections receive them.
# For each way in (VIA: the hub's Publish on one persistent connection, and POST /api/quotes) a fresh Release
# server this script starts (Production, loopback, stopped by PID), PUBLISHED published instruments
# (PUB-0001 …), SUBSCRIBERS connections on SYMBOLS_PER_CONN of them each, and one measured window. Reports quotes/s
# accepted (sustained in), deliveries/s out, and p50/p99 from publish to delivery (each quote is stamped when its
# batch is made), with the server's CPU and RSS. Writes hub.json, http.json and publish.md in the results folder.
#
#   bench/publish.sh [subscribers] [seconds]     defaults: 500 subscribers, 20 s windows (about 2 minutes in all)
#   RATE=5000 bench/publish.sh 50 10            a small check
#
# Environment knobs (defaults in brackets):
#   RATE [50000] quotes/s   BATCH [500]   VIA [hub,http]   IN_FLIGHT [4] batches sent before their answers
#   PUBLISHED [1000] instruments   SYMBOLS_PER_CONN [5]: each quote reaches SUBSCRIBERS x 5 / 1000 = 2.5 subscribers
#   RAMP [500] connections/s   WARMUP [3] s   RESULTS_DIR [/tmp/ticker-bench/publish-<time>]   NO_BUILD [0]   PIN [0]
#   EXTRA_ENV []  more server settings;  BENCH_ARGS []  more ticker-bench publish options
# The server runs with RateLimits__HubCallsPerSecond raised: a publisher makes RATE / BATCH calls a second.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage_from_header "${BASH_SOURCE[0]}"; exit 0; }

SUBSCRIBERS="${1:-500}"
SECONDS_WINDOW="${2:-20}"
RATE="${RATE:-50000}"
BATCH="${BATCH:-500}"
VIA="${VIA:-hub,http}"
IN_FLIGHT="${IN_FLIGHT:-4}"
PUBLISHED="${PUBLISHED:-1000}"
SYMBOLS_PER_CONN="${SYMBOLS_PER_CONN:-5}"
RAMP="${RAMP:-500}"
WARMUP="${WARMUP:-3}"
RESULTS_DIR="${RESULTS_DIR:-/tmp/ticker-bench/publish-$(stamp)}"
BENCH_ARGS="${BENCH_ARGS:-}"

[[ "$SUBSCRIBERS" =~ ^[0-9]+$ && "$SUBSCRIBERS" -ge 1 ]] || die "subscribers must be a positive integer"
[[ "$SECONDS_WINDOW" =~ ^[0-9]+$ && "$SECONDS_WINDOW" -ge 1 && "$SECONDS_WINDOW" -le 600 ]] || die "seconds must be from 1 to 600"

raise_fds "$SUBSCRIBERS"
build_all
mkdir -p "$RESULTS_DIR"

IFS=',' read -r -a ways <<< "$VIA"
for via in "${ways[@]}"; do
  [[ "$via" == hub || "$via" == http ]] || die "VIA takes hub and http"
  port="$(free_port)"; url="http://127.0.0.1:$port"
  start_server "$via" "$url" "$RESULTS_DIR/$via" "RateLimits__HubCallsPerSecond=100000" "RateLimits__HubCallBurst=100000" \
    || die "$via: the server did not start"
  limit=$(( SUBSCRIBERS / RAMP + WARMUP + SECONDS_WINDOW + 180 ))
  # shellcheck disable=SC2086
  run_bench "$limit" publish --url "$url" --api-key "$DEMO_KEY" --admin-key "$ADMIN_KEY" --connections "$SUBSCRIBERS" \
    --ramp "$RAMP" --warmup "$WARMUP" --duration "$SECONDS_WINDOW" --published "$PUBLISHED" --symbols-per-conn "$SYMBOLS_PER_CONN" \
    --rate "$RATE" --batch "$BATCH" --via "$via" --in-flight "$IN_FLIGHT" --server-pid "$SERVER_PID" \
    --json-file "$RESULTS_DIR/$via.json" $BENCH_ARGS \
    > "$RESULTS_DIR/$via.summary" 2> >(tee "$RESULTS_DIR/$via.bench.log" >&2) || log "$via: the bench failed (see $RESULTS_DIR/$via.bench.log)"
  cat "$RESULTS_DIR/$via.summary" >&2 || true
  cleanup_all
done

{
  echo "Publish path, $(date -u +%F): $SUBSCRIBERS subscribers on $SYMBOLS_PER_CONN of $PUBLISHED published instruments each, batches of $BATCH, target $RATE quotes/s, ${SECONDS_WINDOW}s windows, $(nproc) cores."
  echo
  echo "| via | quotes/s in (of target) | failed batches | deliveries/s out | delivered % of sent | p50 ms | p99 ms | server CPU % | RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for via in "${ways[@]}"; do
    json="$RESULTS_DIR/$via.json"
    if [[ -f "$json" ]]; then
      jq -r '"| \(.publish.via) | \(.publish.acceptedPerSecond | round) (\((.publish.acceptedPerSecond * 1000 / .publish.targetPerSecond | round) / 10)%) | \(.publish.batchesFailed) | \(.deliveriesPerSecond | round) | \(.deliveredPercent) | \(.latencyP50Ms) | \(.latencyP99Ms) | \(.serverCpuPercent // "n/a") | \(.serverRssMiB // "n/a") |"' "$json"
    else
      echo "| $via | no result | | | | | | | |"
    fi
  done
} > "$RESULTS_DIR/publish.md"
echo
cat "$RESULTS_DIR/publish.md"
log "results in $RESULTS_DIR"
