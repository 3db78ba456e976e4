#!/usr/bin/env bash
# Runs the platform in distributed mode: every endpoint as its own process on RabbitMQ and PostgreSQL, with the
# simulated third parties, all bound to 127.0.0.1, until Ctrl-C (or SIGTERM) stops them all.
#
# Usage: scripts/run-distributed.sh [--no-build] [--help]
#   --no-build   run what the last build left in bin/$CONFIGURATION instead of building first
#
# What runs (default ports; each process logs to $ORCHESTRATION_RUN_DIR/logs/<name>.log):
#   gateway        http://127.0.0.1:5080  REST API, sign-in, provider webhooks   schema gateway
#   operations     http://127.0.0.1:5081  durable scheduler                      schema operations
#   notifications  http://127.0.0.1:5086  tenant emails                          schema notifications
#   leasing        http://127.0.0.1:5087  lease-signing saga, screening, e-sign  schema leasing
#   billing        http://127.0.0.1:5088  move-in payments                       schema billing
#   devices        http://127.0.0.1:5089  access codes                           schema devices
#   maintenance    http://127.0.0.1:5094  work-order dispatch saga, vendors      schema maintenance
#   simulators     payments :5090, e-signature :5091, screening :5092, mail (SendGrid-compatible) :5093,
#                  maintenance vendors :5095
# Every endpoint answers /health/live and /health/ready; the script waits for each to be ready.
#
# Environment (all optional):
#   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
#   RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASS RABBITMQ_MANAGEMENT_PORT
#                      the servers to use, as scripts/services.sh reads them; without them the local servers are
#                      used, and started when they are not running (and stopped again when this script ends)
#   RABBITMQ_VHOST     virtual host for every endpoint (default /; it must exist)
#   CONFIGURATION      build configuration (default Release)
#   ORCHESTRATION_RUN_DIR         logs and the admin password file (default .run in the repository)
#   ORCHESTRATION_ADMIN_EMAIL     the bootstrap administrator (default admin@orchestration.localhost)
#   ORCHESTRATION_ADMIN_PASSWORD  their password (12 characters or more); when unset one is generated and written to
#                                 $ORCHESTRATION_RUN_DIR/admin-password (mode 0600), whose path is printed
#   ORCHESTRATION_<NAME>_PORT     port of a process: GATEWAY, OPERATIONS, NOTIFICATIONS, LEASING, BILLING,
#                                 DEVICES, MAINTENANCE, and the simulators PAYMENTS, ESIGNATURE, SCREENING, MAIL,
#                                 VENDORS
#   ORCHESTRATION_SCALE           more instances of endpoints, e.g. "leasing=2 billing=3": they compete for the
#                                 same queues; instance k listens on the endpoint's port + 100 * (k - 1)
#   ORCHESTRATION_AUTO_SIGN_AFTER the simulated tenant signs this long after the lease is sent (default
#                                 00:00:03); "off" leaves signing to the link in the signing email
#   ORCHESTRATION_READY_TIMEOUT   seconds to wait for every process to be ready (default 180)
#   ORCHESTRATION_STOP_WITH_PID   stop everything when the process with this id ends (for a test or a
#                                 supervisor that starts this script: nothing outlives it, even if it is killed)
#   MAILDEV            host:port of an SMTP server without TLS or authentication, such as maildev
#                      (tests/peers/node_modules/.bin/maildev --ip 127.0.0.1: SMTP on :1025, inbox on
#                      http://127.0.0.1:1080): Notifications sends every email through it. Unset: Notifications
#                      calls the SendGrid-compatible mail simulator, whose inbox is
#                      GET http://127.0.0.1:5093/_sim/mail/messages
#
# Webhook signing secrets, the simulators' API keys and the key vendors' signing secrets are sealed with between the
# Gateway and Maintenance are generated for each run and handed to the processes through their environment only;
# they are never printed or written down (a vendor registration still in flight when a run ends is refused by the
# next run's Maintenance, and waits among the failed messages). ORCHESTRATION_PAYMENTS_SECRET_KEY, when set, is the
# payment gateway's API key instead, for a caller of the gateway besides Billing (a test paying as a tenant's own
# bank would).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/dotnet-env.sh
source "$ROOT/scripts/dotnet-env.sh"

BUILD=1
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --no-build) BUILD=0 ;;
    *) printf 'unknown argument: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done

CONFIGURATION="${CONFIGURATION:-Release}"
RUN_DIR="${ORCHESTRATION_RUN_DIR:-$ROOT/.run}"
READY_TIMEOUT="${ORCHESTRATION_READY_TIMEOUT:-180}"
ADMIN_EMAIL="${ORCHESTRATION_ADMIN_EMAIL:-admin@orchestration.localhost}"
AUTO_SIGN_AFTER="${ORCHESTRATION_AUTO_SIGN_AFTER:-00:00:03}"
VHOST="${RABBITMQ_VHOST:-/}"
STOP_WITH_PID="${ORCHESTRATION_STOP_WITH_PID:-}"

log() { printf '[run] %s\n' "$*" >&2; }
fail() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

# The processes by name: project folder, assembly, what it hosts; their ports follow.
ENDPOINTS=(gateway operations notifications leasing billing devices maintenance)
declare -A PROJECT=(
  [gateway]=src/Endpoints/Gateway [operations]=src/Endpoints/Operations [notifications]=src/Endpoints/Notifications
  [leasing]=src/Endpoints/Leasing [billing]=src/Endpoints/Billing [devices]=src/Endpoints/Devices
  [maintenance]=src/Endpoints/Maintenance
  [simulators]=src/Simulators
)
declare -A ASSEMBLY=(
  [gateway]=Orchestration.Endpoints.Gateway [operations]=Orchestration.Endpoints.Operations
  [notifications]=Orchestration.Endpoints.Notifications [leasing]=Orchestration.Endpoints.Leasing
  [billing]=Orchestration.Endpoints.Billing [devices]=Orchestration.Endpoints.Devices
  [maintenance]=Orchestration.Endpoints.Maintenance
  [simulators]=Orchestration.Simulators
)
declare -A ROLE=(
  [gateway]="REST API, sign-in, provider webhooks" [operations]="durable scheduler" [notifications]="tenant emails"
  [leasing]="lease-signing saga, screening, e-signature, unit holds" [billing]="move-in payments" [devices]="access codes"
  [maintenance]="work-order dispatch saga, vendor registry"
)
port_of() { # port_of NAME DEFAULT: $ORCHESTRATION_<NAME>_PORT or the default
  local var="ORCHESTRATION_${1^^}_PORT"
  printf '%s' "${!var:-$2}"
}
declare -A PORT=(
  [gateway]="$(port_of gateway 5080)" [operations]="$(port_of operations 5081)"
  [notifications]="$(port_of notifications 5086)" [leasing]="$(port_of leasing 5087)"
  [billing]="$(port_of billing 5088)" [devices]="$(port_of devices 5089)" [maintenance]="$(port_of maintenance 5094)"
  [payments]="$(port_of payments 5090)" [esignature]="$(port_of esignature 5091)"
  [screening]="$(port_of screening 5092)" [mail]="$(port_of mail 5093)" [vendors]="$(port_of vendors 5095)"
)
for name in "${!PORT[@]}"; do
  if ! [[ "${PORT[$name]}" =~ ^[1-9][0-9]{0,4}$ ]] || [ "${PORT[$name]}" -gt 65535 ]; then
    fail "ORCHESTRATION_${name^^}_PORT='${PORT[$name]}' is not a port"
  fi
done

# Instances per endpoint (ORCHESTRATION_SCALE).
declare -A INSTANCES=()
for name in "${ENDPOINTS[@]}"; do INSTANCES[$name]=1; done
SCALE="${ORCHESTRATION_SCALE:-}"
for pair in ${SCALE//,/ }; do
  name="${pair%%=*}" count="${pair#*=}"
  [ -n "${INSTANCES[$name]:-}" ] || fail "ORCHESTRATION_SCALE: unknown endpoint '$name' (one of: ${ENDPOINTS[*]})"
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || fail "ORCHESTRATION_SCALE: '$pair' needs a count from 1 to 99"
  INSTANCES[$name]="$count"
done

if [ -n "${MAILDEV:-}" ]; then
  [[ "$MAILDEV" =~ ^[^:]+:[0-9]+$ ]] || fail "MAILDEV='$MAILDEV' is not host:port"
fi
if [ "$AUTO_SIGN_AFTER" = off ]; then AUTO_SIGN_AFTER=""; fi
# The Gateway's own rule for staff passwords, checked before anything starts.
if [ -n "${ORCHESTRATION_ADMIN_PASSWORD:-}" ] && [ "${#ORCHESTRATION_ADMIN_PASSWORD}" -lt 12 ]; then
  fail "ORCHESTRATION_ADMIN_PASSWORD needs at least 12 characters"
fi
[[ "$READY_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || fail "ORCHESTRATION_READY_TIMEOUT='$READY_TIMEOUT' is not a number of seconds"
[ -z "$STOP_WITH_PID" ] || [[ "$STOP_WITH_PID" =~ ^[1-9][0-9]*$ ]] || fail "ORCHESTRATION_STOP_WITH_PID='$STOP_WITH_PID' is not a process id"

RUN_DIR="$(mkdir -p "$RUN_DIR/logs" && cd "$RUN_DIR" && pwd)"
LOG_DIR="$RUN_DIR/logs"

# True while the process this run belongs to (ORCHESTRATION_STOP_WITH_PID) is alive, or when there is none.
owner_alive() { [ -z "$STOP_WITH_PID" ] || kill -0 "$STOP_WITH_PID" 2>/dev/null; }

# ---------------------------------------------------------------------------
# Stopping: every child on the way out, whatever the way out is
# ---------------------------------------------------------------------------
declare -A PIDS=()        # instance name -> pid
declare -A URLS=()        # instance name -> readiness URL (the endpoints)
STARTED_SERVICES=()
STOPPING=0

# shellcheck disable=SC2317 # called from the EXIT trap
stop_children() {
  local name pid waited=0
  for name in "${!PIDS[@]}"; do
    kill -TERM "${PIDS[$name]}" 2>/dev/null || true
  done
  # Endpoints finish the message in hand and close their broker connections; give them a moment.
  while [ "$waited" -lt 150 ]; do
    local alive=0
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
    waited=$((waited + 1))
  done
  for name in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$name]}" 2>/dev/null; then
      log "$name did not stop within 15 s; killing it"
      kill -KILL "${PIDS[$name]}" 2>/dev/null || true
    fi
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  local rc=$?
  [ "$STOPPING" -eq 1 ] && return
  STOPPING=1
  trap - INT TERM
  if [ "${#PIDS[@]}" -gt 0 ]; then
    log "stopping ${#PIDS[@]} processes"
    stop_children
  fi
  if [ "${#STARTED_SERVICES[@]}" -gt 0 ]; then
    log "stopping what this script started: ${STARTED_SERVICES[*]}"
    services_stop "${STARTED_SERVICES[@]}" >/dev/null 2>&1 || log "could not stop ${STARTED_SERVICES[*]}"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------
# Sourced inside a function so that services.sh does not take this script's arguments for a subcommand.
load_services() {
  # shellcheck source=services.sh source-path=SCRIPTDIR
  source "$ROOT/scripts/services.sh"
}
load_services
services_resolve

if [ "$SERVICES_PG_EXTERNAL" = 1 ]; then
  log "PostgreSQL: $PGUSER@$PGHOST:$PGPORT/$PGDATABASE (from the environment)"
elif _svc_pg_env_reachable; then
  log "PostgreSQL: $PGUSER@$PGHOST:$PGPORT/$PGDATABASE (running)"
else
  log "PostgreSQL is not running; starting it"
  services_start postgres || fail "PostgreSQL could not be started"
  STARTED_SERVICES+=(postgres)
fi
if [ "$SERVICES_MQ_EXTERNAL" = 1 ]; then
  log "RabbitMQ: $RABBITMQ_USER@$RABBITMQ_HOST:$RABBITMQ_PORT (from the environment)"
elif _svc_mq_env_reachable; then
  log "RabbitMQ: $RABBITMQ_USER@$RABBITMQ_HOST:$RABBITMQ_PORT (running)"
else
  log "RabbitMQ is not running; starting it"
  services_start rabbitmq || fail "RabbitMQ could not be started"
  STARTED_SERVICES+=(rabbitmq)
fi

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
if [ "$BUILD" -eq 1 ]; then
  # One build of exactly the processes that run, through a solution filter.
  filter="$RUN_DIR/distributed.slnf"
  {
    printf '{ "solution": { "path": "%s", "projects": [' "$ROOT/Orchestration.sln"
    sep=""
    for name in "${ENDPOINTS[@]}" simulators; do
      printf '%s "%s/%s.csproj"' "$sep" "${PROJECT[$name]}" "$(basename "${PROJECT[$name]}")"
      sep=","
    done
    printf ' ] } }\n'
  } >"$filter"
  log "building ($CONFIGURATION)"
  dotnet build "$filter" -c "$CONFIGURATION" -nologo -v quiet -clp:NoSummary -clp:ErrorsOnly >"$LOG_DIR/build.log" 2>&1 ||
    { tail -n 40 "$LOG_DIR/build.log" >&2; fail "the build failed (full output: $LOG_DIR/build.log)"; }
fi
for name in "${ENDPOINTS[@]}" simulators; do
  dll="$ROOT/${PROJECT[$name]}/bin/$CONFIGURATION/net10.0/${ASSEMBLY[$name]}.dll"
  [ -f "$dll" ] || fail "$dll is missing: build first (run without --no-build)"
done

# ---------------------------------------------------------------------------
# Settings shared by the processes
# ---------------------------------------------------------------------------
secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# An Npgsql connection-string value, quoted when it needs to be.
cs_value() {
  case "$1" in
    *[\;\'\"=]* | " "* | *" ") printf "'%s'" "${1//\'/\'\'}" ;;
    *) printf '%s' "$1" ;;
  esac
}

ADMIN_PASSWORD_FILE=""
if [ -n "${ORCHESTRATION_ADMIN_PASSWORD:-}" ]; then
  ADMIN_PASSWORD="$ORCHESTRATION_ADMIN_PASSWORD"
else
  ADMIN_PASSWORD="$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
  ADMIN_PASSWORD_FILE="$RUN_DIR/admin-password"
  (umask 077 && rm -f "$ADMIN_PASSWORD_FILE" && printf '%s\n' "$ADMIN_PASSWORD" >"$ADMIN_PASSWORD_FILE")
fi

PAYMENTS_SECRET_KEY="${ORCHESTRATION_PAYMENTS_SECRET_KEY:-sk_test_$(secret)}"
PAYMENTS_WEBHOOK_SECRET="whsec_$(secret)"
ESIGNATURE_API_KEY="esign_$(secret)"
ESIGNATURE_WEBHOOK_SECRET="$(secret)"
SCREENING_API_KEY="screening_$(secret)"
SCREENING_WEBHOOK_SECRET="$(secret)"
MAIL_API_KEY="SG.$(secret)"
VENDOR_SEALING_KEY="vseal_$(secret)"

LOOPBACK=http://127.0.0.1
GATEWAY_URL="$LOOPBACK:${PORT[gateway]}"
PAYMENTS_URL="$LOOPBACK:${PORT[payments]}"
ESIGNATURE_URL="$LOOPBACK:${PORT[esignature]}"
SCREENING_URL="$LOOPBACK:${PORT[screening]}"
MAIL_URL="$LOOPBACK:${PORT[mail]}"
CONNECTION_STRING="Host=$(cs_value "$PGHOST");Port=$PGPORT;Username=$(cs_value "$PGUSER");Password=$(cs_value "$PGPASSWORD");Database=$(cs_value "$PGDATABASE")"

# settings_for NAME: the NAME=VALUE settings of a process (configuration keys as environment variables).
settings_for() {
  local name="$1"
  case "$name" in
    simulators)
      local settings=(
        "Simulators__Payments__Url=$PAYMENTS_URL"
        "Simulators__Payments__SecretKey=$PAYMENTS_SECRET_KEY"
        "Simulators__Payments__Webhook__Url=$GATEWAY_URL/webhooks/payments"
        "Simulators__Payments__Webhook__Secret=$PAYMENTS_WEBHOOK_SECRET"
        "Simulators__ESignature__Url=$ESIGNATURE_URL"
        "Simulators__ESignature__ApiKey=$ESIGNATURE_API_KEY"
        "Simulators__ESignature__Webhook__Url=$GATEWAY_URL/webhooks/esign"
        "Simulators__ESignature__Webhook__Secret=$ESIGNATURE_WEBHOOK_SECRET"
        "Simulators__Screening__Url=$SCREENING_URL"
        "Simulators__Screening__ApiKey=$SCREENING_API_KEY"
        "Simulators__Screening__Webhook__Url=$GATEWAY_URL/webhooks/screening"
        "Simulators__Screening__Webhook__Secret=$SCREENING_WEBHOOK_SECRET"
        "Simulators__Vendors__Enabled=true"
        "Simulators__Vendors__Url=$LOOPBACK:${PORT[vendors]}"
        "Simulators__Vendors__PlatformApiUrl=$LOOPBACK:${PORT[maintenance]}"
      )
      [ -z "$AUTO_SIGN_AFTER" ] || settings+=("Simulators__ESignature__AutoSignAfter=$AUTO_SIGN_AFTER")
      if [ -n "${MAILDEV:-}" ]; then
        settings+=("Simulators__Mail__Enabled=false")
      else
        settings+=("Simulators__Mail__Url=$MAIL_URL" "Simulators__Mail__ApiKey=$MAIL_API_KEY")
      fi
      printf '%s\n' "${settings[@]}"
      return ;;
  esac

  printf '%s\n' \
    "Bus__Transport=RabbitMq" \
    "Bus__RabbitMq__Host=$RABBITMQ_HOST" \
    "Bus__RabbitMq__Port=$RABBITMQ_PORT" \
    "Bus__RabbitMq__VirtualHost=$VHOST" \
    "Bus__RabbitMq__Username=$RABBITMQ_USER" \
    "Bus__RabbitMq__Password=$RABBITMQ_PASS" \
    "Storage__Provider=Postgres" \
    "Storage__ConnectionString=$CONNECTION_STRING" \
    "Storage__Schema=$name"
  case "$name" in
    gateway)
      printf '%s\n' \
        "Gateway__Webhooks__Payments__Secret=$PAYMENTS_WEBHOOK_SECRET" \
        "Gateway__Webhooks__ESignature__Secret=$ESIGNATURE_WEBHOOK_SECRET" \
        "Gateway__Webhooks__Screening__Secret=$SCREENING_WEBHOOK_SECRET" \
        "Gateway__Security__BootstrapAdmin__Email=$ADMIN_EMAIL" \
        "Gateway__Security__BootstrapAdmin__Password=$ADMIN_PASSWORD" \
        "Vendors__SecretSealingKey=$VENDOR_SEALING_KEY" ;;
    maintenance)
      printf '%s\n' "Vendors__SecretSealingKey=$VENDOR_SEALING_KEY" ;;
    operations)
      printf '%s\n' "Scheduler__Host=true" ;;
    leasing)
      printf '%s\n' \
        "Leasing__Screening__BaseUrl=$SCREENING_URL" \
        "Leasing__Screening__ApiKey=$SCREENING_API_KEY" \
        "Leasing__ESignature__BaseUrl=$ESIGNATURE_URL" \
        "Leasing__ESignature__ApiKey=$ESIGNATURE_API_KEY" \
        "Heartbeats__Providers__screening=$SCREENING_URL" \
        "Heartbeats__Providers__esignature=$ESIGNATURE_URL" ;;
    billing)
      printf '%s\n' \
        "Billing__Payments__BaseUrl=$PAYMENTS_URL" \
        "Billing__Payments__SecretKey=$PAYMENTS_SECRET_KEY" \
        "Heartbeats__Providers__payments=$PAYMENTS_URL" ;;
    notifications)
      if [ -n "${MAILDEV:-}" ]; then
        printf '%s\n' \
          "Notifications__Provider=Smtp" \
          "Notifications__Smtp__Host=${MAILDEV%:*}" \
          "Notifications__Smtp__Port=${MAILDEV##*:}" \
          "Notifications__Smtp__Security=None"
      else
        printf '%s\n' \
          "Notifications__Provider=SendGrid" \
          "Notifications__SendGrid__BaseUrl=$MAIL_URL" \
          "Notifications__SendGrid__ApiKey=$MAIL_API_KEY" \
          "Heartbeats__Providers__sendgrid=$MAIL_URL"
      fi ;;
  esac
}

# ---------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------
# start_process INSTANCE NAME PORT READY_URL: runs NAME's assembly with its settings in the environment (never on a
# command line, where other users could read them), output appended to its log.
start_process() {
  local instance="$1" name="$2" port="$3" ready="$4"
  local dir="$ROOT/${PROJECT[$name]}/bin/$CONFIGURATION/net10.0"
  local logfile="$LOG_DIR/$instance.log"
  local -a settings
  mapfile -t settings < <(settings_for "$name")
  : >"$logfile"
  (
    cd "$dir"
    for setting in "${settings[@]}"; do export "${setting?}"; done
    [ "$name" = simulators ] || export "Urls=$LOOPBACK:$port"
    exec dotnet "${ASSEMBLY[$name]}.dll"
  ) </dev/null >>"$logfile" 2>&1 &
  PIDS[$instance]=$!
  URLS[$instance]="$ready"
}

start_process simulators simulators "" "$PAYMENTS_URL/_sim/webhooks/endpoint"
for name in "${ENDPOINTS[@]}"; do
  for ((k = 1; k <= INSTANCES[$name]; k++)); do
    instance="$name"
    [ "$k" -gt 1 ] && instance="$name-$k"
    port=$((PORT[$name] + 100 * (k - 1)))
    start_process "$instance" "$name" "$port" "$LOOPBACK:$port/health/ready"
  done
done
log "started ${#PIDS[@]} processes; waiting for them to be ready (logs in $LOG_DIR)"

# The simulators are ready when each of them answers; the endpoints when /health/ready says so.
ready_urls() {
  local instance="$1"
  if [ "$instance" = simulators ]; then
    printf '%s\n' "$PAYMENTS_URL/_sim/webhooks/endpoint" "$ESIGNATURE_URL/_sim/webhooks/endpoint" "$SCREENING_URL/_sim/webhooks/endpoint" \
      "$LOOPBACK:${PORT[vendors]}/_sim/vendors/ready/events"
    [ -n "${MAILDEV:-}" ] || printf '%s\n' "$MAIL_URL/_sim/mail/messages"
  else
    printf '%s\n' "${URLS[$instance]}"
  fi
}

declare -A READY=()
deadline=$((SECONDS + READY_TIMEOUT))
while [ "${#READY[@]}" -lt "${#PIDS[@]}" ]; do
  for instance in "${!PIDS[@]}"; do
    [ -n "${READY[$instance]:-}" ] && continue
    if ! kill -0 "${PIDS[$instance]}" 2>/dev/null; then
      rc=0
      wait "${PIDS[$instance]}" || rc=$?
      unset "PIDS[$instance]"
      log "$instance exited during start-up (exit code $rc); the end of $LOG_DIR/$instance.log:"
      tail -n 30 "$LOG_DIR/$instance.log" >&2 || true
      exit 1
    fi
    all=1
    while IFS= read -r url; do
      curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null || { all=0; break; }
    done < <(ready_urls "$instance")
    if [ "$all" -eq 1 ]; then
      READY[$instance]=1
      log "$instance ready"
    fi
  done
  if [ "${#READY[@]}" -lt "${#PIDS[@]}" ]; then
    owner_alive || { log "process $STOP_WITH_PID has ended; stopping"; exit 1; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      for instance in "${!PIDS[@]}"; do
        [ -n "${READY[$instance]:-}" ] || log "$instance is not ready after $READY_TIMEOUT s (see $LOG_DIR/$instance.log)"
      done
      exit 1
    fi
    sleep 0.5
  fi
done

# ---------------------------------------------------------------------------
# Where everything is
# ---------------------------------------------------------------------------
{
  echo
  echo "Orchestration runs distributed: $(( ${#PIDS[@]} - 1 )) endpoint processes and the simulators. Ctrl-C stops them all."
  echo
  for name in "${ENDPOINTS[@]}"; do
    for ((k = 1; k <= INSTANCES[$name]; k++)); do
      instance="$name"
      [ "$k" -gt 1 ] && instance="$name-$k"
      printf '  %-16s %-24s %-56s %s\n' "$instance" "$LOOPBACK:$((PORT[$name] + 100 * (k - 1)))" "${ROLE[$name]}" "${LOG_DIR#"$ROOT"/}/$instance.log"
    done
  done
  printf '  %-16s %-24s %-56s %s\n' simulators "$PAYMENTS_URL" "payments (Stripe-compatible)" "${LOG_DIR#"$ROOT"/}/simulators.log"
  printf '  %-16s %-24s %s\n' "" "$ESIGNATURE_URL" "e-signature"
  printf '  %-16s %-24s %s\n' "" "$SCREENING_URL" "screening"
  if [ -n "${MAILDEV:-}" ]; then
    printf '  %-16s %-24s %s\n' "emails" "smtp://$MAILDEV" "SMTP (maildev)"
  else
    printf '  %-16s %-24s %s\n' "" "$MAIL_URL" "mail (SendGrid-compatible): emails at GET $MAIL_URL/_sim/mail/messages"
  fi
  echo
  echo "  RabbitMQ    $RABBITMQ_HOST:$RABBITMQ_PORT, virtual host $VHOST${RABBITMQ_MANAGEMENT_PORT:+ (management http://$RABBITMQ_HOST:$RABBITMQ_MANAGEMENT_PORT)}"
  echo "  PostgreSQL  $PGHOST:$PGPORT, database $PGDATABASE, one schema per endpoint"
  echo
  echo "Sign in as $ADMIN_EMAIL:"
  if [ -n "$ADMIN_PASSWORD_FILE" ]; then
    echo "  the password is in $ADMIN_PASSWORD_FILE"
  else
    echo "  the password is the one in ORCHESTRATION_ADMIN_PASSWORD"
  fi
  echo "  curl -c cookies -H 'content-type: application/json' $GATEWAY_URL/api/auth/login \\"
  echo "       -d '{\"email\":\"$ADMIN_EMAIL\",\"password\":\"...\"}'"
  echo "  then send -b cookies -H 'X-Requested-With: XMLHttpRequest' with every change."
  echo
  echo "Ready."
}

# Until a signal (or the end of ORCHESTRATION_STOP_WITH_PID): report any process that ends by itself.
while [ "${#PIDS[@]}" -gt 0 ]; do
  owner_alive || { log "process $STOP_WITH_PID has ended; stopping"; exit 0; }
  for instance in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[$instance]}" 2>/dev/null; then
      rc=0
      wait "${PIDS[$instance]}" || rc=$?
      unset "PIDS[$instance]"
      log "$instance exited (exit code $rc); see $LOG_DIR/$instance.log"
    fi
  done
  sleep 1
done
log "every process has exited"
exit 1
