# Shared by the bench scripts (sourced, not run): building, starting and stopping servers by PID on loopback,
# /proc sampling, file-descriptor limits. Everything a script starts is recorded and stopped on exit.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_DLL="$REPO_ROOT/Bench/bin/Release/net10.0/ticker-bench.dll"
SERVER_PROJECT="$REPO_ROOT/Server/Server.csproj"
DEMO_KEY="bench-demo-key"
# A fresh admin key and signing key per run: nothing from a run works against the next one.
ADMIN_KEY="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SIGNING_KEY="$(head -c 32 /dev/urandom | base64)"
NO_BUILD="${NO_BUILD:-0}"
EXTRA_ENV="${EXTRA_ENV:-}"           # more server settings, space-separated KEY=VALUE
PIN="${PIN:-0}"                      # 1 = servers on CPU 0, the bench on CPU 1
STARTED_PIDS=()                      # every process a script started, stopped in reverse order on exit
STOP_HOOKS=()                        # commands that stop what a PID cannot (PostgreSQL runs as another user)

log() { echo "[$(basename "$0")] $*" >&2; }
die() { log "$*"; exit 1; }

usage_from_header() { sed -n '2,/^set -euo/p' "$1" | sed '$d' | sed 's/^# \{0,1\}//'; }

stop_pid() {
  local pid="$1" signal="${2:-TERM}"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup_all() {
  local i
  for (( i=${#STARTED_PIDS[@]}-1; i>=0; i-- )); do stop_pid "${STARTED_PIDS[$i]}"; done
  for hook in "${STOP_HOOKS[@]}"; do eval "$hook" || true; done
  STARTED_PIDS=(); STOP_HOOKS=()
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

# Each side holds one socket per connection: raise the soft limit as far as the hard one allows.
raise_fds() {
  local need=$(( $1 + 1024 )) hard
  hard="$(ulimit -Hn)"; [[ "$hard" == "unlimited" ]] && hard=1048576
  if (( $(ulimit -n) < need )); then ulimit -n "$(( hard < 1048576 ? hard : 1048576 ))" || true; fi
  if (( $(ulimit -n) < need )); then log "warning: ulimit -n is $(ulimit -n), below the $need this run needs; expect failed connections"; fi
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 10000 ))
    if [[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]]; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

build_all() {
  [[ "$NO_BUILD" == 1 ]] && return 0
  log "building the server and the bench (Release)"
  dotnet build "$SERVER_PROJECT" -c Release --nologo -v q -clp:ErrorsOnly --disable-build-servers >&2
  dotnet build "$REPO_ROOT/Bench/Bench.csproj" -c Release --nologo -v q -clp:ErrorsOnly --disable-build-servers >&2
}

server_dll() {
  local dll
  dll="$(dotnet msbuild "$SERVER_PROJECT" -nologo -getProperty:TargetPath -p:Configuration=Release)"
  [[ -f "$dll" ]] || die "the server is not built ($dll); run without NO_BUILD=1"
  echo "$dll"
}

# start_server NAME URL DIR [KEY=VALUE ...]: the Release server in Production, its database and log in DIR, with
# generous rate limits (the load comes from one IP) and the run's keys; waits (bounded) until /healthz answers 200.
# Sets SERVER_PID.
start_server() {
  local name="$1" url="$2" dir="$3"; shift 3
  local dll; dll="$(server_dll)"
  mkdir -p "$dir"
  local -a env_vars=(
    "ASPNETCORE_ENVIRONMENT=Production" "DOTNET_CLI_TELEMETRY_OPTOUT=1"
    "Auth__SigningKey=$SIGNING_KEY" "Auth__DemoApiKey=$DEMO_KEY" "Auth__AdminApiKey=$ADMIN_KEY"
    "ConnectionStrings__Ticker=Data Source=$dir/ticker.db"
    "RateLimits__TokenPerMinute=100000" "RateLimits__HubConnectPerMinute=1000000" "RateLimits__FailedAuthPerMinute=100000"
  )
  env_vars+=("$@")
  # shellcheck disable=SC2206
  [[ -n "$EXTRA_ENV" ]] && env_vars+=($EXTRA_ENV)
  local pin=(); [[ "$PIN" == 1 ]] && pin=(taskset -c 0)
  log "$name: starting on $url (log: $dir/server.log)"
  # exec: the background job's PID is the server process itself, so /proc/PID is the server.
  ( cd "$dir" && exec "${pin[@]}" env "${env_vars[@]}" dotnet "$dll" --urls "$url" ) >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 600); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url/healthz" || true)" == 200 ]] && return 0
    sleep 0.2
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then log "$name: did not become ready within 120 s; last log lines:"
  else log "$name: the server exited; last log lines:"; fi
  tail -n 20 "$dir/server.log" >&2 || true
  return 1
}

# The bench, pinned to CPU 1 with PIN=1, bounded by a timeout of its own.
run_bench() {
  local limit="$1"; shift
  local pin=(); [[ "$PIN" == 1 ]] && pin=(taskset -c 1)
  timeout --kill-after=10 "$limit" "${pin[@]}" dotnet "$BENCH_DLL" "$@"
}

# Ticker__Symbols__S0001=price … for N simulated instruments, prices from 1 to 1000.
universe_env() {
  local n="$1" i
  for (( i=1; i<=n; i++ )); do printf 'Ticker__Symbols__S%04d=%d\n' "$i" $(( (i * 7919) % 1000 + 1 )); done
}

proc_cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
proc_rss_kib() { awk '$1=="VmRSS:" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

stamp() { date -u +%Y%m%dT%H%M%SZ; }
