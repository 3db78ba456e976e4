#!/usr/bin/env bash
# Local services for tests and development: PostgreSQL and RabbitMQ (with the
# management and MQTT plugins), bound to 127.0.0.1 only, plus the MQTT command
# line clients. Everything missing is installed from Debian packages.
#
# Usage (executed):
#   scripts/services.sh start [postgres|rabbitmq]...   install when missing, start, provision
#   scripts/services.sh stop  [postgres|rabbitmq]...   stop what this script manages
#   scripts/services.sh status                         show what is reachable
#   scripts/services.sh env                            print the settings as `export` lines
#                                                      (eval "$(scripts/services.sh env)")
#   scripts/services.sh chromium | npm-peers           run ensure_chromium / ensure_npm_peers
#
# Usage (sourced): `source scripts/services.sh` only defines the functions
# (services_start, services_stop, services_env, ensure_chromium,
# ensure_npm_peers, ensure_packages); `source scripts/services.sh start` also
# starts everything and exports the settings into the calling shell. (A plain
# `source` inside a script that has arguments sees those arguments: source it
# from within a function there, or pass the subcommand explicitly.)
#
# Servers already provided by the environment are used as they are (nothing is
# installed or started for them):
#   PostgreSQL when PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE are all set
#   and a login with them works;
#   RabbitMQ when RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_USER and RABBITMQ_PASS
#   are all set and the broker answers (through the management API when
#   RABBITMQ_MANAGEMENT_PORT is set too, otherwise on the AMQP port).
# Otherwise the local servers are used, with these settings:
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=orchestration PGPASSWORD=orchestration
#   PGDATABASE=orchestration RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT=5672
#   RABBITMQ_USER=orchestration RABBITMQ_PASS=orchestration RABBITMQ_MANAGEMENT_PORT=15672
# The MQTT listener is on 127.0.0.1:1883 (exported as MQTT_HOST / MQTT_PORT).
#
# Tunables: SERVICES_WAIT_SECONDS (default 180) bounds each readiness wait.

# ----------------------------------------------------------------------------
# Constants
# ----------------------------------------------------------------------------
SERVICES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVICES_REPO_ROOT="$(cd "$SERVICES_SCRIPT_DIR/.." && pwd)"

_SVC_DB_NAME=orchestration
_SVC_DB_USER=orchestration
_SVC_DB_PASS=orchestration
_SVC_PG_PORT=5432
_SVC_MQ_USER=orchestration
_SVC_MQ_PASS=orchestration
_SVC_MQ_PORT=5672
_SVC_MQ_MGMT_PORT=15672
_SVC_MQTT_PORT=1883
_SVC_MQ_NODENAME=rabbit@localhost
# Every endpoint process keeps its own Npgsql pool (up to 100 connections by default, grown by its concurrent
# consumers): the distributed platform under the 1,000-lease test reached the 300 this once was.
_SVC_PG_MAX_CONNECTIONS=600

_SVC_PG_VARS=(PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE)
_SVC_MQ_VARS=(RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASS RABBITMQ_MANAGEMENT_PORT)

# ----------------------------------------------------------------------------
# Small helpers (safe under `set -euo pipefail` and without it)
# ----------------------------------------------------------------------------
_svc_log() { printf '[services] %s\n' "$*" >&2; }
_svc_err() { printf '[services] ERROR: %s\n' "$*" >&2; }

_svc_wait_seconds() { printf '%s' "${SERVICES_WAIT_SECONDS:-180}"; }

# Run a command as root (directly when already root, else through sudo).
_svc_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    _svc_err "root is needed for: $*"
    return 1
  fi
}

# Run a program with none of the client settings this script exports, so that
# admin tools (psql as postgres, rabbitmqctl) are not redirected by them.
# Extra NAME=VALUE words may precede the program.
_svc_clean_env() {
  env -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE -u PGSERVICE \
      -u RABBITMQ_HOST -u RABBITMQ_PORT -u RABBITMQ_USER -u RABBITMQ_PASS \
      -u RABBITMQ_MANAGEMENT_PORT "$@"
}

# The same, as root.
_svc_root_clean() {
  _svc_root env -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE -u PGSERVICE \
      -u RABBITMQ_HOST -u RABBITMQ_PORT -u RABBITMQ_USER -u RABBITMQ_PASS \
      -u RABBITMQ_MANAGEMENT_PORT "$@"
}

# _svc_tcp_open HOST PORT [TIMEOUT]: true when something accepts connections.
_svc_tcp_open() {
  local host="$1" port="$2" t="${3:-2}"
  # shellcheck disable=SC2016 # expanded by the inner bash
  if command -v timeout >/dev/null 2>&1; then
    timeout "$t" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
  else
    bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" >/dev/null 2>&1
  fi
}

_svc_pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# _svc_apt ARGS...: apt-get as root, noninteractive; output goes to a log that
# is shown only when apt-get fails.
_svc_apt() {
  local log rc=0
  log="$(mktemp "${TMPDIR:-/tmp}/services-apt.XXXXXX")"
  _svc_root env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a \
    apt-get -q -o DPkg::Lock::Timeout=300 "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    _svc_err "apt-get $* failed (exit $rc):"
    tail -n 25 "$log" >&2
  fi
  rm -f "$log"
  return "$rc"
}

# ensure_packages PKG...: installs the missing ones with apt-get (noninteractive).
# `apt-get update` runs at most once per shell, and only when something is missing.
# Services are kept from being started by package scripts during the install.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    _svc_pkg_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  _svc_log "installing: ${missing[*]}"
  local install=(install -y --no-install-recommends
                 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [ -z "${_SVC_APT_UPDATED:-}" ]; then
    _svc_log "apt-get update"
    if ! _svc_apt update; then
      _svc_log "retrying apt-get update once"
      sleep 5
      _svc_apt update || return 1
    fi
    _SVC_APT_UPDATED=1
  fi
  # Keep package maintainer scripts from starting daemons with their default
  # configuration (they would listen on all interfaces); this script starts them.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    _svc_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && created_policy=1
  fi
  local rc=0
  _svc_apt "${install[@]}" "${missing[@]}" || rc=$?
  if [ "$rc" -ne 0 ]; then
    _svc_log "refreshing the package lists and retrying the install once"
    sleep 5
    _svc_apt update || true
    rc=0
    _svc_apt "${install[@]}" "${missing[@]}" || rc=$?
  fi
  if [ -n "$created_policy" ]; then
    _svc_root rm -f "$policy"
  fi
  if [ "$rc" -ne 0 ]; then
    _svc_err "could not install: ${missing[*]}"
    return 1
  fi
  _svc_log "installed: ${missing[*]}"
  return 0
}

# ----------------------------------------------------------------------------
# Deciding which servers to use
# ----------------------------------------------------------------------------
_svc_all_set() {
  local v
  for v in "$@"; do
    [ -n "${!v:-}" ] || return 1
  done
  return 0
}

_svc_any_set() {
  local v
  for v in "$@"; do
    [ -n "${!v:-}" ] && return 0
  done
  return 1
}

# True when the PostgreSQL described by the PG* variables accepts a login.
_svc_pg_env_reachable() {
  _svc_all_set "${_SVC_PG_VARS[@]}" || return 1
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=5 psql -X -q -A -t -c 'select 1' >/dev/null 2>&1
  else
    _svc_tcp_open "$PGHOST" "$PGPORT" 3
  fi
}

# True when the RabbitMQ described by the RABBITMQ_* variables answers.
_svc_mq_env_reachable() {
  _svc_all_set RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASS || return 1
  _svc_tcp_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" 3 || return 1
  if [ -n "${RABBITMQ_MANAGEMENT_PORT:-}" ] && command -v curl >/dev/null 2>&1; then
    curl -fsS -m 5 -u "$RABBITMQ_USER:$RABBITMQ_PASS" \
      "http://$RABBITMQ_HOST:$RABBITMQ_MANAGEMENT_PORT/api/whoami" >/dev/null 2>&1 || return 1
  fi
  return 0
}

_svc_export_pg_defaults() {
  export PGHOST=127.0.0.1 PGPORT="$_SVC_PG_PORT" PGUSER="$_SVC_DB_USER" \
         PGPASSWORD="$_SVC_DB_PASS" PGDATABASE="$_SVC_DB_NAME"
}

_svc_export_mq_defaults() {
  export RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT="$_SVC_MQ_PORT" RABBITMQ_USER="$_SVC_MQ_USER" \
         RABBITMQ_PASS="$_SVC_MQ_PASS" RABBITMQ_MANAGEMENT_PORT="$_SVC_MQ_MGMT_PORT"
}

_svc_is_local_pg_default() {
  [ "${PGHOST:-}" = 127.0.0.1 ] && [ "${PGPORT:-}" = "$_SVC_PG_PORT" ] &&
  [ "${PGUSER:-}" = "$_SVC_DB_USER" ] && [ "${PGPASSWORD:-}" = "$_SVC_DB_PASS" ] &&
  [ "${PGDATABASE:-}" = "$_SVC_DB_NAME" ]
}

_svc_is_local_mq_default() {
  [ "${RABBITMQ_HOST:-}" = 127.0.0.1 ] && [ "${RABBITMQ_PORT:-}" = "$_SVC_MQ_PORT" ] &&
  [ "${RABBITMQ_USER:-}" = "$_SVC_MQ_USER" ] && [ "${RABBITMQ_PASS:-}" = "$_SVC_MQ_PASS" ] &&
  [ "${RABBITMQ_MANAGEMENT_PORT:-}" = "$_SVC_MQ_MGMT_PORT" ]
}

# Sets SERVICES_PG_EXTERNAL / SERVICES_MQ_EXTERNAL (1 or 0) and exports the
# connection settings. Settings that equal the local defaults always mean the
# local servers (managed here), whether or not they are running yet.
services_resolve() {
  SERVICES_PG_EXTERNAL=0
  if _svc_all_set "${_SVC_PG_VARS[@]}" && ! _svc_is_local_pg_default; then
    if _svc_pg_env_reachable; then
      SERVICES_PG_EXTERNAL=1
    else
      _svc_log "PG* settings are given (PGHOST=$PGHOST PGPORT=$PGPORT) but no login works there; using the local PostgreSQL instead"
    fi
  elif _svc_any_set "${_SVC_PG_VARS[@]}" && ! _svc_is_local_pg_default; then
    _svc_log "only some of ${_SVC_PG_VARS[*]} are set; using the local PostgreSQL"
  fi
  [ "$SERVICES_PG_EXTERNAL" = 1 ] || _svc_export_pg_defaults
  export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE

  SERVICES_MQ_EXTERNAL=0
  if _svc_all_set RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASS && ! _svc_is_local_mq_default; then
    if _svc_mq_env_reachable; then
      SERVICES_MQ_EXTERNAL=1
    else
      _svc_log "RABBITMQ_* settings are given (RABBITMQ_HOST=$RABBITMQ_HOST RABBITMQ_PORT=$RABBITMQ_PORT) but the broker does not answer there; using the local RabbitMQ instead"
    fi
  elif _svc_any_set "${_SVC_MQ_VARS[@]}" && ! _svc_is_local_mq_default; then
    _svc_log "only some of ${_SVC_MQ_VARS[*]} are set; using the local RabbitMQ"
  fi
  if [ "$SERVICES_MQ_EXTERNAL" = 1 ]; then
    export RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USER RABBITMQ_PASS
    [ -n "${RABBITMQ_MANAGEMENT_PORT:-}" ] && export RABBITMQ_MANAGEMENT_PORT
    export MQTT_HOST="${MQTT_HOST:-$RABBITMQ_HOST}" MQTT_PORT="${MQTT_PORT:-$_SVC_MQTT_PORT}"
  else
    _svc_export_mq_defaults
    export MQTT_HOST=127.0.0.1 MQTT_PORT="$_SVC_MQTT_PORT"
  fi
  export SERVICES_PG_EXTERNAL SERVICES_MQ_EXTERNAL
}

# Prints the settings as shell `export` lines.
services_env() {
  services_resolve || return 1
  local v
  for v in "${_SVC_PG_VARS[@]}" "${_SVC_MQ_VARS[@]}" MQTT_HOST MQTT_PORT; do
    [ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
  done
  return 0
}

# ----------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------
# The newest installed major version (15 on Debian 12).
_svc_pg_version() {
  local d v=""
  for d in /usr/lib/postgresql/[0-9]*; do
    [ -x "$d/bin/postgres" ] || continue
    d="${d##*/}"
    if [ -z "$v" ] || [ "$d" -gt "$v" ]; then v="$d"; fi
  done
  printf '%s' "${v:-15}"
}

_svc_pg_status() { # prints online/down/absent
  local ver="$1"
  if [ ! -d "/etc/postgresql/$ver/main" ]; then printf absent; return 0; fi
  if pg_ctlcluster "$ver" main status >/dev/null 2>&1; then printf online; else printf down; fi
}

_svc_psql_admin() { # psql as the postgres superuser over the local socket
  (cd / && _svc_root_clean runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$_SVC_PG_PORT" "$@")
}

_svc_pg_start() (
  set -euo pipefail
  local ver conf_dir conf_file want have status
  ver="$(_svc_pg_version)"
  status="$(_svc_pg_status "$ver")"
  if [ "$status" = absent ]; then
    _svc_log "creating PostgreSQL $ver cluster 'main'"
    _svc_root pg_createcluster "$ver" main --port "$_SVC_PG_PORT" >/dev/null
    status=down
  fi

  conf_dir="/etc/postgresql/$ver/main/conf.d"
  conf_file="$conf_dir/50-orchestration.conf"
  want="# Managed by scripts/services.sh
listen_addresses = '127.0.0.1'
port = $_SVC_PG_PORT
max_connections = $_SVC_PG_MAX_CONNECTIONS
# Loopback only, so no TLS: it would cost both sides CPU on every round trip
# and protect nothing. Servers reached over a network use TLS (see README).
ssl = off
"
  have="$(cat "$conf_file" 2>/dev/null || true)"
  local changed=0
  if [ "$have" != "${want%$'\n'}" ]; then
    _svc_root mkdir -p "$conf_dir"
    printf '%s' "$want" | _svc_root tee "$conf_file" >/dev/null
    _svc_root chown postgres:postgres "$conf_file" 2>/dev/null || true
    changed=1
  fi
  # The main file may set a different port; conf.d comes later and wins, but
  # pg_ctlcluster / pg_lsclusters read the port from postgresql.conf itself.
  if [ -f "/etc/postgresql/$ver/main/postgresql.conf" ] &&
     ! grep -qE "^port[[:space:]]*=[[:space:]]*$_SVC_PG_PORT\b" "/etc/postgresql/$ver/main/postgresql.conf"; then
    _svc_root sed -i -E "s/^port[[:space:]]*=.*/port = $_SVC_PG_PORT/" "/etc/postgresql/$ver/main/postgresql.conf"
    changed=1
  fi

  _svc_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  if [ "$status" = online ] && [ "$changed" = 1 ]; then
    _svc_log "restarting PostgreSQL $ver (configuration changed)"
    _svc_root setsid -w pg_ctlcluster "$ver" main restart </dev/null >/dev/null
  elif [ "$status" != online ]; then
    _svc_log "starting PostgreSQL $ver"
    # setsid keeps the server out of the caller's process group and session.
    _svc_root setsid -w pg_ctlcluster "$ver" main start </dev/null >/dev/null
  fi

  local deadline=$((SECONDS + $(_svc_wait_seconds)))
  until pg_isready -q -h 127.0.0.1 -p "$_SVC_PG_PORT" -t 2; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      _svc_err "PostgreSQL did not become ready; last lines of its log:"
      tail -n 30 "/var/log/postgresql/postgresql-$ver-main.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 1
  done

  # Role and database (idempotent; the password is (re)set every time).
  _svc_psql_admin -d postgres <<SQL >/dev/null
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$_SVC_DB_USER') THEN
    CREATE ROLE "$_SVC_DB_USER" LOGIN CREATEDB PASSWORD '$_SVC_DB_PASS';
  ELSE
    ALTER ROLE "$_SVC_DB_USER" LOGIN CREATEDB PASSWORD '$_SVC_DB_PASS';
  END IF;
END
\$\$;
SQL
  if [ "$(_svc_psql_admin -d postgres -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$_SVC_DB_NAME'")" != 1 ]; then
    _svc_log "creating database $_SVC_DB_NAME"
    _svc_psql_admin -d postgres -c "CREATE DATABASE \"$_SVC_DB_NAME\" OWNER \"$_SVC_DB_USER\"" >/dev/null
  fi
  _svc_psql_admin -d postgres -c "ALTER DATABASE \"$_SVC_DB_NAME\" OWNER TO \"$_SVC_DB_USER\"" >/dev/null
  # PostgreSQL 15 no longer lets every role create objects in schema public.
  _svc_psql_admin -d "$_SVC_DB_NAME" -c "ALTER SCHEMA public OWNER TO \"$_SVC_DB_USER\"" >/dev/null

  # Final check: a password login over TCP, as the tests will do it.
  if ! _svc_clean_env PGPASSWORD="$_SVC_DB_PASS" PGCONNECT_TIMEOUT=5 psql -X -q -A -t \
       -h 127.0.0.1 -p "$_SVC_PG_PORT" -U "$_SVC_DB_USER" -d "$_SVC_DB_NAME" -c 'select 1' >/dev/null; then
    _svc_err "PostgreSQL is up but the $_SVC_DB_USER login over 127.0.0.1 fails (see pg_hba.conf)"
    exit 1
  fi
  _svc_log "PostgreSQL $ver ready on 127.0.0.1:$_SVC_PG_PORT (database $_SVC_DB_NAME)"
)

_svc_pg_stop() (
  set -euo pipefail
  local ver
  ver="$(_svc_pg_version)"
  if [ "$(_svc_pg_status "$ver")" = online ]; then
    _svc_log "stopping PostgreSQL $ver"
    _svc_root pg_ctlcluster "$ver" main stop -m fast >/dev/null
  else
    _svc_log "PostgreSQL is not running"
  fi
)

# ----------------------------------------------------------------------------
# RabbitMQ
# ----------------------------------------------------------------------------
# Debian's rabbitmqctl wrapper switches to the rabbitmq user (whose HOME,
# /var/lib/rabbitmq, holds the Erlang cookie) when run as root.
_svc_rmqctl() {
  (cd / && _svc_root_clean HOME=/var/lib/rabbitmq rabbitmqctl "$@")
}

_svc_mq_running() {
  _svc_rmqctl -q status >/dev/null 2>&1
}

_svc_mq_write_config() (
  set -euo pipefail
  local etc=/etc/rabbitmq conf env_conf changed=0
  conf="# Managed by scripts/services.sh: loopback only.
listeners.tcp.default = 127.0.0.1:$_SVC_MQ_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $_SVC_MQ_MGMT_PORT
mqtt.listeners.tcp.default = 127.0.0.1:$_SVC_MQTT_PORT
mqtt.vhost = /
mqtt.exchange = amq.topic
log.file.level = info"
  # A fixed node name on localhost avoids failures when the machine's host
  # name does not resolve; epmd and Erlang distribution stay on loopback too.
  env_conf="# Managed by scripts/services.sh
NODENAME=$_SVC_MQ_NODENAME
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=$_SVC_MQ_PORT
SERVER_ADDITIONAL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"
CTL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"
export ERL_EPMD_ADDRESS=127.0.0.1"
  _svc_root mkdir -p "$etc"
  if [ "$(cat "$etc/rabbitmq.conf" 2>/dev/null || true)" != "$conf" ]; then
    printf '%s\n' "$conf" | _svc_root tee "$etc/rabbitmq.conf" >/dev/null
    changed=1
  fi
  if [ "$(cat "$etc/rabbitmq-env.conf" 2>/dev/null || true)" != "$env_conf" ]; then
    printf '%s\n' "$env_conf" | _svc_root tee "$etc/rabbitmq-env.conf" >/dev/null
    changed=1
  fi
  _svc_root chown rabbitmq:rabbitmq "$etc/rabbitmq.conf" "$etc/rabbitmq-env.conf" 2>/dev/null || true
  # Plugins, enabled offline so that they start with the node.
  local plugins_file="$etc/enabled_plugins"
  if ! { grep -q rabbitmq_management "$plugins_file" && grep -q rabbitmq_mqtt "$plugins_file"; } 2>/dev/null; then
    if [ -s "$plugins_file" ]; then
      (cd /var/lib/rabbitmq && _svc_root_clean HOME=/var/lib/rabbitmq rabbitmq-plugins enable --offline \
        rabbitmq_management rabbitmq_mqtt >/dev/null)
    else
      printf '[rabbitmq_management,rabbitmq_mqtt].\n' | _svc_root tee "$plugins_file" >/dev/null
    fi
    _svc_root chown rabbitmq:rabbitmq "$plugins_file" 2>/dev/null || true
    changed=1
  fi
  echo "$changed"
)

# Directories and the Erlang cookie that an init system would normally prepare.
_svc_mq_prepare_dirs() (
  set -euo pipefail
  local d
  for d in /var/lib/rabbitmq /var/lib/rabbitmq/mnesia /var/log/rabbitmq /var/run/rabbitmq; do
    _svc_root install -d -o rabbitmq -g rabbitmq -m 0755 "$d"
  done
  local cookie=/var/lib/rabbitmq/.erlang.cookie
  if [ ! -s "$cookie" ]; then
    _svc_log "creating the Erlang cookie"
    _svc_root sh -c "umask 077; head -c 300 /dev/urandom | tr -dc 'A-Z' | head -c 20 > $cookie"
  fi
  _svc_root chown rabbitmq:rabbitmq "$cookie"
  _svc_root chmod 400 "$cookie"
)

_svc_mq_start() (
  set -euo pipefail
  local changed deadline limit
  _svc_mq_prepare_dirs
  changed="$(_svc_mq_write_config)"

  if _svc_mq_running; then
    if [ "$changed" = 1 ]; then
      _svc_log "restarting RabbitMQ (configuration changed)"
      _svc_rmqctl -q stop >/dev/null 2>&1 || true
      sleep 1
    fi
  elif _svc_tcp_open 127.0.0.1 "$_SVC_MQ_PORT" 1; then
    _svc_err "port $_SVC_MQ_PORT is in use by something that is not the RabbitMQ node $_SVC_MQ_NODENAME"
    _svc_err "$(ss -ltnp 2>/dev/null | grep ":$_SVC_MQ_PORT " || true)"
    exit 1
  fi

  if ! _svc_mq_running; then
    _svc_log "starting RabbitMQ (node $_SVC_MQ_NODENAME)"
    # -detached: the node daemonizes; its output goes to /var/log/rabbitmq.
    # setsid keeps the daemon out of the caller's process group and session.
    (cd /var/lib/rabbitmq && _svc_root_clean HOME=/var/lib/rabbitmq \
       setsid -w rabbitmq-server -detached </dev/null >>/var/log/rabbitmq/services-start.log 2>&1) || {
      _svc_err "rabbitmq-server -detached failed:"; tail -n 30 /var/log/rabbitmq/services-start.log >&2 || true; exit 1; }
  fi

  limit="$(_svc_wait_seconds)"
  deadline=$((SECONDS + limit))
  until _svc_rmqctl -q await_startup --timeout 10 >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      _svc_err "RabbitMQ did not start; last lines of its logs:"
      tail -n 40 /var/log/rabbitmq/*.log /var/log/rabbitmq/services-start.log /var/log/rabbitmq/startup_err >&2 2>/dev/null || true
      exit 1
    fi
    sleep 3
  done

  # The user the tests log in with (idempotent).
  local mgmt="http://127.0.0.1:$_SVC_MQ_MGMT_PORT"
  if ! curl -fsS -m 5 -u "$_SVC_MQ_USER:$_SVC_MQ_PASS" "$mgmt/api/permissions/%2F/$_SVC_MQ_USER" 2>/dev/null \
       | grep -q '"configure":"\.\*","write":"\.\*","read":"\.\*"'; then
    _svc_log "provisioning RabbitMQ user $_SVC_MQ_USER"
    if _svc_rmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx "$_SVC_MQ_USER"; then
      _svc_rmqctl -q change_password "$_SVC_MQ_USER" "$_SVC_MQ_PASS" >/dev/null
    else
      _svc_rmqctl -q add_user "$_SVC_MQ_USER" "$_SVC_MQ_PASS" >/dev/null
    fi
    _svc_rmqctl -q set_user_tags "$_SVC_MQ_USER" administrator >/dev/null
    _svc_rmqctl -q set_permissions -p / "$_SVC_MQ_USER" '.*' '.*' '.*' >/dev/null
  fi

  _svc_mq_secure_mqtt

  # Management API and MQTT listener.
  deadline=$((SECONDS + limit))
  until curl -fsS -m 5 -u "$_SVC_MQ_USER:$_SVC_MQ_PASS" "$mgmt/api/overview" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      _svc_err "the RabbitMQ management API does not answer on $mgmt"; exit 1
    fi
    sleep 1
  done
  deadline=$((SECONDS + limit))
  until _svc_tcp_open 127.0.0.1 "$_SVC_MQTT_PORT" 1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      _svc_err "the MQTT listener does not answer on 127.0.0.1:$_SVC_MQTT_PORT"; exit 1
    fi
    sleep 1
  done
  _svc_log "RabbitMQ ready: AMQP 127.0.0.1:$_SVC_MQ_PORT, management :$_SVC_MQ_MGMT_PORT, MQTT :$_SVC_MQTT_PORT"
)

# MQTT is for devices with accounts of their own (made by the Devices endpoint): no
# anonymous login (the plugin would log it in as guest), and no guest account,
# which RabbitMQ creates as an administrator. Written to conf.d for the next node
# start (rabbitmq.conf is left alone, so no restart follows) and set in the running
# node as well. The tests and endpoints log in as $_SVC_MQ_USER, never as guest.
_svc_mq_secure_mqtt() {
  local conf_dir=/etc/rabbitmq/conf.d conf
  conf="# Managed by scripts/services.sh: devices log in with their own accounts.
mqtt.allow_anonymous = false"
  if [ "$(cat "$conf_dir/50-orchestration-mqtt.conf" 2>/dev/null || true)" != "$conf" ]; then
    _svc_root mkdir -p "$conf_dir"
    printf '%s\n' "$conf" | _svc_root tee "$conf_dir/50-orchestration-mqtt.conf" >/dev/null
    _svc_root chown -R rabbitmq:rabbitmq "$conf_dir" 2>/dev/null || true
  fi
  _svc_rmqctl -q eval 'application:set_env(rabbitmq_mqtt, allow_anonymous, false).' >/dev/null
  if _svc_rmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx guest; then
    _svc_log "removing RabbitMQ's guest account"
    _svc_rmqctl -q delete_user guest >/dev/null
  fi
}

_svc_mq_stop() (
  set -euo pipefail
  if ! command -v rabbitmqctl >/dev/null 2>&1; then
    _svc_log "RabbitMQ is not installed"; exit 0
  fi
  if _svc_mq_running; then
    _svc_log "stopping RabbitMQ"
    _svc_rmqctl -q stop >/dev/null
    local waited=0
    while _svc_tcp_open 127.0.0.1 "$_SVC_MQ_PORT" 1 && [ "$waited" -lt 30 ]; do
      sleep 1; waited=$((waited + 1))
    done
  else
    _svc_log "RabbitMQ is not running"
  fi
)

# ----------------------------------------------------------------------------
# Extra peers for tests
# ----------------------------------------------------------------------------
# Debian's Chromium (headless browser tests drive /usr/bin/chromium).
ensure_chromium() {
  ensure_packages chromium fonts-liberation || return 1
  export CHROMIUM_PATH=/usr/bin/chromium
}

# npm packages of tests/peers (maildev, stripe, mqtt, ...), when that folder
# has a package.json. Skipped when node_modules is newer than the manifests.
ensure_npm_peers() {
  local dir="$SERVICES_REPO_ROOT/tests/peers"
  [ -f "$dir/package.json" ] || return 0
  if ! command -v npm >/dev/null 2>&1; then
    ensure_packages nodejs npm || return 1
  fi
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] &&
     { [ ! -f "$dir/package-lock.json" ] || [ "$stamp" -nt "$dir/package-lock.json" ]; }; then
    return 0
  fi
  _svc_log "installing npm test peers in tests/peers"
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
  else
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2) || return 1
  fi
  return 0
}

# ----------------------------------------------------------------------------
# Entry points
# ----------------------------------------------------------------------------
_svc_want() { # _svc_want NAME SELECTION...: true when NAME is selected (or nothing is)
  local name="$1"; shift
  [ "$#" -eq 0 ] && return 0
  local s
  for s in "$@"; do
    case "$s" in
      pg|postgres|postgresql) [ "$name" = postgres ] && return 0 ;;
      mq|rabbit|rabbitmq)     [ "$name" = rabbitmq ] && return 0 ;;
      all)                    return 0 ;;
      *) ;;
    esac
  done
  return 1
}

# services_start [postgres|rabbitmq]...: installs what is missing, starts and
# provisions the local servers (unless the environment provides them) and
# exports the settings into the current shell.
services_start() {
  local s
  for s in "$@"; do
    case "$s" in pg|postgres|postgresql|mq|rabbit|rabbitmq|all) ;; *) _svc_err "unknown service: $s"; return 2 ;; esac
  done
  services_resolve || return 1
  local pkgs=(mosquitto-clients curl)
  if _svc_want postgres "$@" && [ "$SERVICES_PG_EXTERNAL" != 1 ]; then
    pkgs+=(postgresql)
  fi
  if _svc_want rabbitmq "$@" && [ "$SERVICES_MQ_EXTERNAL" != 1 ]; then
    pkgs+=(rabbitmq-server)
  fi
  ensure_packages "${pkgs[@]}" || return 1

  if _svc_want postgres "$@"; then
    if [ "$SERVICES_PG_EXTERNAL" = 1 ]; then
      _svc_log "using the PostgreSQL given by the environment at $PGHOST:$PGPORT"
    else
      _svc_pg_start || return 1
    fi
  fi
  if _svc_want rabbitmq "$@"; then
    if [ "$SERVICES_MQ_EXTERNAL" = 1 ]; then
      _svc_log "using the RabbitMQ given by the environment at $RABBITMQ_HOST:$RABBITMQ_PORT"
    else
      _svc_mq_start || return 1
    fi
  fi
  return 0
}

# services_stop [postgres|rabbitmq]...: stops the local servers (never ones
# given by the environment).
services_stop() {
  services_resolve >/dev/null 2>&1 || true
  if _svc_want rabbitmq "$@"; then
    if [ "${SERVICES_MQ_EXTERNAL:-0}" = 1 ]; then
      _svc_log "RabbitMQ is provided by the environment; not stopping it"
    else
      _svc_mq_stop || return 1
    fi
  fi
  if _svc_want postgres "$@"; then
    if [ "${SERVICES_PG_EXTERNAL:-0}" = 1 ]; then
      _svc_log "PostgreSQL is provided by the environment; not stopping it"
    elif command -v pg_ctlcluster >/dev/null 2>&1; then
      _svc_pg_stop || return 1
    fi
  fi
  return 0
}

services_status() {
  services_resolve >/dev/null 2>&1 || true
  local rc=0
  if PGCONNECT_TIMEOUT=3 psql -X -q -A -t -c 'select 1' >/dev/null 2>&1; then
    echo "postgres: up ($PGUSER@$PGHOST:$PGPORT/$PGDATABASE)"
  else
    echo "postgres: down ($PGHOST:$PGPORT)"; rc=1
  fi
  if curl -fsS -m 3 -u "$RABBITMQ_USER:$RABBITMQ_PASS" \
       "http://$RABBITMQ_HOST:${RABBITMQ_MANAGEMENT_PORT:-$_SVC_MQ_MGMT_PORT}/api/overview" >/dev/null 2>&1; then
    echo "rabbitmq: up ($RABBITMQ_USER@$RABBITMQ_HOST:$RABBITMQ_PORT, management :${RABBITMQ_MANAGEMENT_PORT:-$_SVC_MQ_MGMT_PORT})"
  else
    echo "rabbitmq: down ($RABBITMQ_HOST:$RABBITMQ_PORT)"; rc=1
  fi
  if _svc_tcp_open "$MQTT_HOST" "$MQTT_PORT" 2; then
    echo "mqtt: up ($MQTT_HOST:$MQTT_PORT)"
  else
    echo "mqtt: down ($MQTT_HOST:$MQTT_PORT)"; rc=1
  fi
  return "$rc"
}

_svc_main() {
  local cmd="${1:-}"
  [ "$#" -gt 0 ] && shift
  case "$cmd" in
    start)     services_start "$@" ;;
    stop)      services_stop "$@" ;;
    restart)   services_stop "$@" && services_start "$@" ;;
    status)    services_status ;;
    env)       services_env ;;
    chromium)  ensure_chromium ;;
    npm-peers) ensure_npm_peers ;;
    *)
      echo "usage: $(basename "${BASH_SOURCE[0]}") start|stop|restart [postgres|rabbitmq]... | status | env | chromium | npm-peers" >&2
      return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  _svc_main "$@"
  exit $?
elif [ "$#" -gt 0 ]; then
  _svc_main "$@"
fi
