#!/usr/bin/env bash
# Soak: connections held for minutes against a Release server this script starts (Production, loopback, stopped
# by PID at the end), with the workload of a production gateway:
#   - dashboards (90%) on 1 to 3 published instruments (DASH-0001 …) that the bench moves every second
#     through the hub's Publish; traders (10%) on 20 of UNIVERSE simulated instruments (S0001 …) ticking every
#     INTERVAL_MS, chosen Zipf-like (popular symbols get more subscribers);
#   - tokens of TOKEN_LIFETIME renewed in band (RefreshToken) before they expire;
#   - DROP of the connections aborted and resumed (Resume from their last sequences) every DROP_EVERY seconds.
# Every REPORT_EVERY seconds a row: connections, deliveries/s, p50/p99, server RSS and managed heap, GC
# collections and pause, CPU, refreshes, resumes recovered/not, unplanned disconnects, gaps, errors. At the end a
# verdict (no error, no unplanned disconnect, no gap, every resume recovered, RSS and heap of the last interval within
# 5% of the second, p99 not drifting up), and soak.json, soak.csv, soak.md and soak.png in the results folder.
#
#   bench/soak.sh [connections] [minutes]        defaults: 10000 connections, 10 minutes
#   bench/soak.sh 300 2                          a small check: about 3 minutes in all
#
# Environment knobs (defaults in brackets):
#   REPORT_EVERY [60]        seconds per row
#   TOKEN_LIFETIME [00:02:00] the server's Auth__TokenLifetime
#   UNIVERSE [5000]          simulated instruments;  INTERVAL_MS [100]  their tick
#   HISTORY_SIZE [1000]      the server's Ticker__HistorySize. History fills as quotes arrive, which is growth,
#                            not a leak: the dashboards' instruments are filled before the ramp (--prefill), and the
#                            soak starts late enough that the simulated ones are full before interval 2 begins.
#   TRADERS [0.1]  TRADER_SYMBOLS [20]  DASHBOARD_INSTRUMENTS [100]  DASHBOARD_SYMBOLS [3]
#   DROP [0.01]  DROP_EVERY [60]   RAMP [500] connections/s   WARMUP [10] s
#   RESULTS_DIR [/tmp/ticker-bench/soak-<time>]   NO_BUILD [0]   PIN [0] (1 = server on CPU 0, bench on CPU 1)
#   EXTRA_ENV []             more server settings, e.g. "Logging__LogLevel__SignalRTicker.Server.Ticker=Warning"
#   SOAK_ARGS []             more ticker-bench soak options (ticker-bench soak --help)
# Exit code: 0 when the soak passed, 4 when it ran and failed a criterion, other non-zero when it could not run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage_from_header "${BASH_SOURCE[0]}"; exit 0; }

CONNECTIONS="${1:-10000}"
MINUTES="${2:-10}"
REPORT_EVERY="${REPORT_EVERY:-60}"
TOKEN_LIFETIME="${TOKEN_LIFETIME:-00:02:00}"
UNIVERSE="${UNIVERSE:-5000}"
INTERVAL_MS="${INTERVAL_MS:-100}"
HISTORY_SIZE="${HISTORY_SIZE:-1000}"
TRADERS="${TRADERS:-0.1}"
TRADER_SYMBOLS="${TRADER_SYMBOLS:-20}"
DASHBOARD_INSTRUMENTS="${DASHBOARD_INSTRUMENTS:-100}"
DASHBOARD_SYMBOLS="${DASHBOARD_SYMBOLS:-3}"
DROP="${DROP:-0.01}"
DROP_EVERY="${DROP_EVERY:-60}"
RAMP="${RAMP:-500}"
WARMUP="${WARMUP:-10}"
RESULTS_DIR="${RESULTS_DIR:-/tmp/ticker-bench/soak-$(stamp)}"
SOAK_ARGS="${SOAK_ARGS:-}"

[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$CONNECTIONS" -ge 1 ]] || die "connections must be a positive integer"
[[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "minutes must be a number"
[[ "$UNIVERSE" =~ ^[0-9]+$ && "$UNIVERSE" -ge "$TRADER_SYMBOLS" ]] || die "UNIVERSE must be at least TRADER_SYMBOLS"

raise_fds "$CONNECTIONS"
build_all
mkdir -p "$RESULTS_DIR"
port="$(free_port)"; url="http://127.0.0.1:$port"
mapfile -t universe < <(universe_env "$UNIVERSE")
start_server soak "$url" "$RESULTS_DIR/server" \
  "Ticker__IntervalMs=$INTERVAL_MS" "Ticker__HistorySize=$HISTORY_SIZE" "Auth__TokenLifetime=$TOKEN_LIFETIME" "${universe[@]}" \
  || die "the server did not start"

# Interval 2 is the reference for memory: the simulated instruments' history must be full by then.
settle="$(awk -v h="$HISTORY_SIZE" -v i="$INTERVAL_MS" -v c="$CONNECTIONS" -v r="$RAMP" -v w="$WARMUP" -v e="$REPORT_EVERY" \
  'BEGIN { s = h * i / 1000 + 5 - (c / r + w + e); printf "%d", (s > 0 ? s : 0) }')"
if (( settle > 0 )); then log "waiting ${settle}s for the simulated instruments' history to fill"; sleep "$settle"; fi

# The ramp, the warm-up, the soak and a few minutes to set up and wind down: the bench's own limit is inside this.
limit="$(awk -v c="$CONNECTIONS" -v r="$RAMP" -v w="$WARMUP" -v m="$MINUTES" 'BEGIN { printf "%d", c / r + w + m * 60 + 240 }')"
log "soak: $CONNECTIONS connections for $MINUTES min against pid $SERVER_PID; results in $RESULTS_DIR (at most ${limit}s)"
rc=0
# shellcheck disable=SC2086
run_bench "$limit" soak --url "$url" --api-key "$DEMO_KEY" --admin-key "$ADMIN_KEY" --server-pid "$SERVER_PID" \
  --connections "$CONNECTIONS" --minutes "$MINUTES" --report-every "$REPORT_EVERY" --ramp "$RAMP" --warmup "$WARMUP" \
  --traders "$TRADERS" --trader-symbols "$TRADER_SYMBOLS" --dashboard-instruments "$DASHBOARD_INSTRUMENTS" \
  --dashboard-symbols "$DASHBOARD_SYMBOLS" --interval-ms "$INTERVAL_MS" --drop "$DROP" --drop-every "$DROP_EVERY" \
  --prefill "$HISTORY_SIZE" --out "$RESULTS_DIR" $SOAK_ARGS 2> >(tee "$RESULTS_DIR/bench.log" >&2) || rc=$?

alive=1; kill -0 "$SERVER_PID" 2>/dev/null || alive=0
cleanup_all
[[ "$alive" == 1 ]] || log "the server was no longer running at the end (see $RESULTS_DIR/server/server.log)"
log "results: $RESULTS_DIR/{soak.md,soak.csv,soak.json,soak.png}; server log: $RESULTS_DIR/server/server.log"
exit "$rc"
