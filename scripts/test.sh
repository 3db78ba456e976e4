#!/usr/bin/env bash
# Runs the whole test suite: starts the services the tests use (scripts/services.sh),
# builds Orchestration.sln once (warnings are errors), runs every test project
# under tests/ whose name ends in .Tests, IntegrationTests or FaultTests (some
# beside another, see ALONGSIDE), and prints as its last line
# `N passed, N failed` (`, N skipped` when any were).
#
# Usage: scripts/test.sh [FILTER]...
#   FILTER  a `dotnet test --filter` expression, e.g. "FullyQualifiedName~Saga";
#           several are joined with '&'.
#
# Environment:
#   CONFIGURATION         build configuration (default Release)
#   TEST_HANG_TIMEOUT     a test host silent for this long is ended and its run
#                         counted as failed (default 10m; dotnet's --blame-hang-timeout)
#   TEST_PROJECT_TIMEOUT  upper bound for one project's `dotnet test`, seconds (default 2700)
#
# Results: .test-results/<Project>.trx
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/dotnet-env.sh
source "$ROOT/scripts/dotnet-env.sh"

CONFIGURATION="${CONFIGURATION:-Release}"
TEST_HANG_TIMEOUT="${TEST_HANG_TIMEOUT:-10m}"
TEST_PROJECT_TIMEOUT="${TEST_PROJECT_TIMEOUT:-2700}"
RESULTS_DIR="$ROOT/.test-results"
SOLUTION="$ROOT/Orchestration.sln"

log() { printf '[test] %s\n' "$*" >&2; }

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac

FILTER=""
for arg in "$@"; do
  [ -n "$arg" ] || continue
  if [ -z "$FILTER" ]; then FILTER="$arg"; else FILTER="$FILTER&$arg"; fi
done

# Counted results.
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUMMARY=()   # one line per project

finish() {
  # Stop the compiler server so that nothing started here keeps running.
  if [ -n "${CI:-}" ]; then
    dotnet build-server shutdown >/dev/null 2>&1 || true
  fi
  local rc=0
  if [ "${#SUMMARY[@]}" -gt 0 ]; then
    echo
    echo "Test projects:"
    printf '  %s\n' "${SUMMARY[@]}"
  fi
  if [ "$TOTAL_FAILED" -gt 0 ]; then
    rc=1
  elif [ $((TOTAL_PASSED + TOTAL_FAILED)) -eq 0 ]; then
    echo "No test ran${FILTER:+ (filter: $FILTER)}: that counts as a failed run."
    rc=1
  fi
  echo
  if [ "$TOTAL_SKIPPED" -gt 0 ]; then
    echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
  else
    echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  fi
  exit "$rc"
}

# Fail before any test could run: one failure, and the reason.
abort_run() {
  SUMMARY+=("FAILED: $*")
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
  finish
}

# ---------------------------------------------------------------------------
# Services and peers
# ---------------------------------------------------------------------------
# Sourced inside a function so that this script's arguments are not taken
# as a services.sh subcommand.
load_services() {
  # shellcheck source=services.sh source-path=SCRIPTDIR
  source "$ROOT/scripts/services.sh"
}
load_services

log "starting services"
if ! services_start; then
  abort_run "the services (PostgreSQL, RabbitMQ) could not be started"
fi
if ! ensure_npm_peers; then
  log "WARNING: the npm test peers in tests/peers could not be installed"
fi
if grep -qs 'Playwright' tests/*/*.csproj; then
  ensure_chromium || log "WARNING: chromium could not be installed"
fi

# ---------------------------------------------------------------------------
# .NET SDK
# ---------------------------------------------------------------------------
REQUIRED_SDK_MAJOR=10

have_sdk() {
  command -v dotnet >/dev/null 2>&1 &&
    dotnet --list-sdks 2>/dev/null | grep -Eq "^${REQUIRED_SDK_MAJOR}\."
}

ensure_dotnet() {
  have_sdk && return 0
  local d
  for d in "${DOTNET_ROOT:-}" "$HOME/.dotnet" /usr/share/dotnet /usr/lib/dotnet /opt/dotnet; do
    if [ -n "$d" ] && [ -x "$d/dotnet" ]; then
      export DOTNET_ROOT="$d" PATH="$d:$PATH"
      have_sdk && return 0
    fi
  done
  # Only where a configured apt source has it (Debian itself does not ship it).
  log "no .NET $REQUIRED_SDK_MAJOR SDK found; trying the package dotnet-sdk-$REQUIRED_SDK_MAJOR.0"
  if ensure_packages "dotnet-sdk-$REQUIRED_SDK_MAJOR.0" 2>/dev/null && have_sdk; then
    return 0
  fi
  log "ERROR: the .NET $REQUIRED_SDK_MAJOR SDK is required (dotnet on PATH, or in \$DOTNET_ROOT, ~/.dotnet or /usr/share/dotnet)"
  return 1
}

ensure_dotnet || abort_run "no .NET $REQUIRED_SDK_MAJOR SDK"
log "dotnet SDK $(dotnet --version)"

# ---------------------------------------------------------------------------
# Test projects
# ---------------------------------------------------------------------------
# Unit tests first, then integration tests, then fault tests (which may
# disturb the services; they are brought back before each project).
PROJECTS=()
for kind in unit integration fault; do
  while IFS= read -r proj; do
    name="$(basename "$proj" .csproj)"
    case "$kind:$name" in
      unit:*.Tests|integration:*IntegrationTests|fault:*FaultTests) PROJECTS+=("$proj") ;;
      *) ;;
    esac
  done < <(find tests -maxdepth 3 \( -name bin -o -name obj -o -name node_modules \) -prune -o \
             -name '*.csproj' -print 2>/dev/null | sort)
done
if [ "${#PROJECTS[@]}" -eq 0 ]; then
  abort_run "no test project found under tests/"
fi
log "test projects: $(for p in "${PROJECTS[@]}"; do basename "$p" .csproj; done | tr '\n' ' ')"

# ---------------------------------------------------------------------------
# Build (once)
# ---------------------------------------------------------------------------
BUILD_ARGS=(-c "$CONFIGURATION" -nologo -v quiet -tl:off -p:TreatWarningsAsErrors=true)

restore() {
  dotnet restore "$1" -nologo -v quiet -tl:off -p:TreatWarningsAsErrors=true
}

# restore_and_build TARGET: restore (retried once: the registry can be slow
# to answer), then build.
restore_and_build() {
  if ! restore "$1"; then
    log "restore failed; retrying once"
    sleep 5
    restore "$1" || return 1
  fi
  dotnet build "$1" --no-restore "${BUILD_ARGS[@]}"
}

declare -A BUILD_FAILED=()
if [ ! -f "$SOLUTION" ]; then
  abort_run "$(basename "$SOLUTION") not found"
fi
log "building $(basename "$SOLUTION") ($CONFIGURATION)"
build_start=$SECONDS
if restore_and_build "$SOLUTION"; then
  log "build succeeded in $((SECONDS - build_start)) s"
  # A test project missing from the solution is built on its own.
  for proj in "${PROJECTS[@]}"; do
    if ! grep -Fq "$(basename "$proj")" "$SOLUTION"; then
      log "$(basename "$proj") is not in $(basename "$SOLUTION"); building it separately"
      restore_and_build "$proj" || BUILD_FAILED["$proj"]=1
    fi
  done
else
  log "the solution build FAILED; building each test project on its own to run what builds"
  for proj in "${PROJECTS[@]}"; do
    restore_and_build "$proj" >/dev/null 2>&1 || BUILD_FAILED["$proj"]=1
  done
  if [ "${#BUILD_FAILED[@]}" -eq 0 ]; then
    # The failure is outside the test projects; it still fails the run.
    SUMMARY+=("$(basename "$SOLUTION"): FAILED to build (outside the test projects; see the errors above)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
  fi
fi

# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# trx_attr FILE ATTR: a number from the TRX <Counters> element (0 when absent).
trx_attr() {
  local v
  v="$(grep -o '<Counters [^>]*>' "$1" | head -n 1 | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9][0-9]*' || true)"
  printf '%s' "${v:-0}"
}

trx_outcome() {
  grep -o '<ResultSummary outcome="[A-Za-z]*"' "$1" | head -n 1 | sed 's/.*outcome="\([A-Za-z]*\)"/\1/' || true
}

# Some projects run alongside another one, which spends most of its time waiting (on timers, the broker, restarted
# servers) rather than computing: the small projects beside IntegrationTests, whose bus tests run one class at a time,
# and the portal's browser tests, which use only the standalone host and its SQLite file, beside FaultTests, which
# restart PostgreSQL and RabbitMQ. Each shows its output when it ends; the counts are the same as one after another.
declare -A ALONGSIDE=(
  [Orchestration.IntegrationTests]="Orchestration.Leasing.Tests Orchestration.Maintenance.Tests Orchestration.Notifications.Tests Orchestration.Sagas.Tests Orchestration.Simulators.Tests"
  [Orchestration.FaultTests]="Orchestration.Portal.Tests"
)
declare -A PROJECT_OF=()
for proj in "${PROJECTS[@]}"; do PROJECT_OF["$(basename "$proj" .csproj)"]="$proj"; done
declare -A DEFERRED=()
for main in "${!ALONGSIDE[@]}"; do
  [ -n "${PROJECT_OF[$main]:-}" ] && [ -z "${BUILD_FAILED[${PROJECT_OF[$main]}]:-}" ] || continue
  for name in ${ALONGSIDE[$main]}; do
    [ -n "${PROJECT_OF[$name]:-}" ] && DEFERRED["$name"]="$main"
  done
done

# run_project PROJ: runs one project's tests, printing its output, and writes its counts and summary line to
# $RESULTS_DIR/<name>.outcome (passed, failed, skipped, line; tab-separated) for record_project.
run_project() {
  local proj="$1" name trx rc start secs total passed failed skipped outcome line
  local -a test_args timeout_args
  name="$(basename "$proj" .csproj)"
  trx="$RESULTS_DIR/$name.trx"
  echo
  echo "=== $name ==="
  test_args=(test "$proj" -c "$CONFIGURATION" --no-build -nologo -v quiet
             --results-directory "$RESULTS_DIR"
             --logger "trx;LogFileName=$name.trx"
             --logger "console;verbosity=minimal"
             --blame-hang-timeout "$TEST_HANG_TIMEOUT" --blame-hang-dump-type none)
  [ -n "$FILTER" ] && test_args+=(--filter "$FILTER")
  rc=0
  start=$SECONDS
  timeout_args=(--kill-after=30)
  # Interactive runs keep Ctrl-C working (timeout otherwise runs the command
  # in a process group of its own).
  [ -t 0 ] && timeout_args+=(--foreground)
  timeout "${timeout_args[@]}" "$TEST_PROJECT_TIMEOUT" dotnet "${test_args[@]}" || rc=$?
  secs=$((SECONDS - start))

  if [ ! -s "$trx" ]; then
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      line="$name: FAILED: timed out after ${TEST_PROJECT_TIMEOUT} s, no TRX written (counted as 1 failure)"
    else
      line="$name: FAILED: dotnet test exited with $rc and wrote no TRX (counted as 1 failure)"
    fi
    printf '0\t1\t0\t%s\n' "$line" >"$RESULTS_DIR/$name.outcome"
    return 0
  fi

  total="$(trx_attr "$trx" total)"
  passed="$(trx_attr "$trx" passed)"
  failed=$(( $(trx_attr "$trx" failed) + $(trx_attr "$trx" error) + $(trx_attr "$trx" timeout) + $(trx_attr "$trx" aborted) ))
  passed=$(( passed + $(trx_attr "$trx" passedButRunAborted) ))
  skipped=$(( total - passed - failed ))
  [ "$skipped" -lt 0 ] && skipped=0
  outcome="$(trx_outcome "$trx")"

  line="$name: $passed passed, $failed failed"
  [ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
  line="$line (${secs} s)"
  if [ "$failed" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$outcome" = Failed ] || [ "$outcome" = Aborted ] || [ "$outcome" = Error ]; }; then
    # The test host crashed, hung or was killed: what it did not report is a failure.
    failed=1
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      line="$line; FAILED: timed out after ${TEST_PROJECT_TIMEOUT} s (counted as 1 failure)"
    else
      line="$line; FAILED: the test run was aborted (exit $rc, outcome ${outcome:-unknown}; counted as 1 failure)"
    fi
  elif [ "$total" -eq 0 ]; then
    line="$line; no test ran${FILTER:+ (filter)}"
  fi
  printf '%s\t%s\t%s\t%s\n' "$passed" "$failed" "$skipped" "$line" >"$RESULTS_DIR/$name.outcome"
}

# record_project NAME: adds what run_project wrote for NAME to the summary and the totals.
record_project() {
  local passed failed skipped line
  if [ ! -s "$RESULTS_DIR/$1.outcome" ]; then
    passed=0 failed=1 skipped=0 line="$1: FAILED: its run left no outcome (counted as 1 failure)"
  else
    IFS=$'\t' read -r passed failed skipped line <"$RESULTS_DIR/$1.outcome"
  fi
  SUMMARY+=("$line")
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
}

first=1
for proj in "${PROJECTS[@]}"; do
  name="$(basename "$proj" .csproj)"

  if [ -n "${BUILD_FAILED[$proj]:-}" ]; then
    SUMMARY+=("$name: FAILED to build (counted as 1 failure)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    continue
  fi
  # Run with the project it goes alongside.
  [ -n "${DEFERRED[$name]:-}" ] && continue

  # Bring the services back if an earlier project disturbed them.
  if [ "$first" -eq 0 ]; then
    services_start >/dev/null 2>&1 || log "WARNING: the services could not be brought back before $name"
  fi
  first=0

  beside=()
  for other in ${ALONGSIDE[$name]:-}; do
    [ "${DEFERRED[$other]:-}" = "$name" ] && [ -z "${BUILD_FAILED[${PROJECT_OF[$other]}]:-}" ] && beside+=("$other")
  done
  if [ "${#beside[@]}" -eq 0 ]; then
    run_project "$proj"
    record_project "$name"
    continue
  fi

  run_project "$proj" >"$RESULTS_DIR/$name.console" 2>&1 &
  main_pid=$!
  for other in "${beside[@]}"; do
    run_project "${PROJECT_OF[$other]}"
    record_project "$other"
  done
  wait "$main_pid" || true
  cat "$RESULTS_DIR/$name.console"
  record_project "$name"
done

finish
