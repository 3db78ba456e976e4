#!/usr/bin/env bash
# Measures the saga platform on this machine: builds tests/Orchestration.Benchmarks in Release, makes sure
# PostgreSQL and RabbitMQ run (scripts/services.sh), then in one run measures the raw floors of both servers
# and N chain sagas x K steps on the platform (saga and worker endpoints as two processes, outbox on), and
# prints the table. Results: bench/results/<timestamp>.json and bench/results/latest.json.
#
# Usage: scripts/bench.sh [OPTION]...      (scripts/bench.sh --help lists the options)
#   e.g. scripts/bench.sh --chains 256 --steps 100 --duration 30 --timeout 300
#        scripts/bench.sh --prefetch 64 --limit 16 --label prefetch64-limit16 --skip-floors
#        scripts/bench.sh --set DOTNET_gcServer=0
#
# Rent-run scenario (separate, not part of the default run): scripts/bench.sh rent [--leases N] [--timeout S]
#   starts the whole platform through scripts/run-distributed.sh (which builds the endpoints) on a database and
#   virtual host of its own, announces N leases on autopay to Billing (default 10000), posts one rent run and prints
#   how long until every charge is posted, every charge is paid and every receipt is sent.
#
# Environment: BENCH_* variables stand for the options (see --help); BENCH_WAIT_QUIET here defaults to 30
# (wait up to 30 s for an idle machine: two cores leave no headroom for a build or a test suite running
# alongside); BENCH_WALL_TIMEOUT bounds the whole benchmark process in seconds (default 900). The
# defaults finish in about two minutes on two cores.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/dotnet-env.sh
source "$ROOT/scripts/dotnet-env.sh"

PROJECT=tests/Orchestration.Benchmarks
BENCH_DLL="$PROJECT/bin/Release/net10.0/Orchestration.Benchmarks.dll"

log() { printf '[bench] %s\n' "$*" >&2; }

case "${1:-}" in
  -h|--help)
    usage
    echo
    if [ -f "$BENCH_DLL" ]; then dotnet "$BENCH_DLL" --help; fi
    exit 0 ;;
esac

# Sourced from a function so that services.sh does not see this script's arguments.
start_services() {
  # shellcheck source=services.sh
  source "$ROOT/scripts/services.sh"
  services_start
}
start_services

log "building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:NoSummary -clp:ErrorsOnly

export BENCH_WAIT_QUIET="${BENCH_WAIT_QUIET:-30}"
log "running (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ "${1:-}" = rent ]; then
  exec timeout --signal=INT --kill-after=90 "${BENCH_WALL_TIMEOUT:-2400}" dotnet "$BENCH_DLL" "$@"
fi
exec timeout --signal=INT --kill-after=30 "${BENCH_WALL_TIMEOUT:-900}" dotnet "$BENCH_DLL" "$@"
