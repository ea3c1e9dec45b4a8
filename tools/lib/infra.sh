# shellcheck shell=bash
# Local infrastructure for Comms: PostgreSQL and RabbitMQ, from Docker when an engine is reachable,
# otherwise from the OS packages (Debian/Ubuntu). Sourced by tools/test, tools/up and .ci/run.
#
#   source tools/lib/infra.sh
#   comms_start_infra        # idempotent; quick when everything already runs
#   comms_export_test_env    # COMMS_TEST_* variables the test fixtures read
#
# COMMS_INFRA=skip           provision nothing (you run your own servers; set COMMS_TEST_* yourself)
# COMMS_INFRA=packages       never use Docker, even when an engine is reachable
# COMMS_PG_VERSION=15        PostgreSQL major version of the package cluster (default: 15, else the newest installed)
#
# Every function prints what went wrong (with the server's log tail) and returns non-zero on failure,
# so it works under `set -euo pipefail` and inside `if`.

COMMS_ROOT="${COMMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

# No telemetry leaves a clinic's network (ARCHITECTURE.md: MassTransit phones home otherwise).
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export MASSTRANSIT_USAGE_TELEMETRY=false

COMMS_PG_PORT=5432
COMMS_RABBITMQ_PORT=5672
COMMS_RABBITMQ_MANAGEMENT_PORT=15672
COMMS_RABBITMQ_START_LOG=/var/log/rabbitmq/comms-server.log

_comms_say() { printf 'infra: %s\n' "$*"; }
_comms_err() { printf 'infra: ERROR: %s\n' "$*" >&2; }

# _comms_tail FILE... : the last lines of each existing log, indented, on stderr.
_comms_tail() {
  local f
  for f in "$@"; do
    if [[ -r "$f" ]]; then
      printf 'infra: --- last lines of %s ---\n' "$f" >&2
      tail -n 40 "$f" | sed 's/^/    /' >&2
    fi
  done
}

_comms_as_root() {
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo "$@"
    else
      _comms_err "needs root (or sudo) to run: $*"
      return 1
    fi
  else
    "$@"
  fi
}

# _comms_as USER CMD... : run as a system user from a directory that user can read.
_comms_as() {
  local user="$1"; shift
  if [[ "$(id -un)" == "$user" ]]; then
    (cd / && "$@")
  elif [[ "$(id -u)" -eq 0 ]]; then
    (cd / && runuser -u "$user" -- "$@")
  else
    (cd / && sudo -u "$user" -- "$@")
  fi
}

# _comms_port_open PORT : something accepts TCP connections on localhost:PORT.
_comms_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_comms_apt_install() {
  _comms_say "installing $* from the OS packages (apt-get)..."
  local log
  log="$(mktemp -t comms-apt.XXXXXX)"
  if ! _comms_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update >"$log" 2>&1 ||
     ! _comms_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" >>"$log" 2>&1; then
    _comms_err "apt-get install $* failed"
    _comms_tail "$log"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

comms_docker_available() {
  [[ "${COMMS_INFRA:-}" == "packages" ]] && return 1
  command -v docker >/dev/null 2>&1 || return 1
  docker info >/dev/null 2>&1 || return 1
  if ! docker compose version >/dev/null 2>&1; then
    _comms_say "a Docker engine is reachable but the 'docker compose' plugin is missing; using the OS packages instead" >&2
    return 1
  fi
  return 0
}

# _comms_compose_up SERVICE... : start infrastructure containers and wait for their healthchecks.
_comms_compose_up() {
  _comms_say "starting $* with docker compose..."
  if ! docker compose -f "$COMMS_ROOT/docker-compose.yml" up -d --wait "$@"; then
    _comms_err "docker compose could not start $*"
    docker compose -f "$COMMS_ROOT/docker-compose.yml" logs --tail 40 "$@" >&2 || true
    return 1
  fi
}

# ---------------------------------------------------------------- PostgreSQL

_comms_pg_version() {
  if [[ -n "${COMMS_PG_VERSION:-}" ]]; then
    echo "$COMMS_PG_VERSION"
  elif [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
    echo 15
  else
    local v
    v="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
         sed -E 's#^/usr/lib/postgresql/([0-9]+)/bin/postgres$#\1#' | sort -n | tail -n 1)"
    [[ -n "$v" ]] && echo "$v"
  fi
}

_comms_pg_installed() {
  local v
  v="$(_comms_pg_version)" && [[ -n "$v" && -x "/usr/lib/postgresql/$v/bin/postgres" ]] && command -v pg_ctlcluster >/dev/null 2>&1
}

_comms_pg_login_works() {
  PGPASSWORD=comms PGCONNECT_TIMEOUT=5 psql -X -q -w -h localhost -p "$COMMS_PG_PORT" -U comms -d postgres \
    -tAc 'select 1' >/dev/null 2>&1
}

comms_start_postgres() {
  if comms_docker_available; then
    _comms_compose_up postgres
    return
  fi

  if ! _comms_pg_installed; then
    _comms_apt_install postgresql || return 1
    if ! _comms_pg_installed; then
      _comms_err "package 'postgresql' installed, but no PostgreSQL server binary found under /usr/lib/postgresql"
      return 1
    fi
  fi

  local v cluster_log conf_dir conf_file desired changed=0
  v="$(_comms_pg_version)"
  cluster_log="/var/log/postgresql/postgresql-$v-main.log"
  conf_dir="/etc/postgresql/$v/main/conf.d"

  if [[ ! -d "/etc/postgresql/$v/main" ]]; then
    _comms_say "creating PostgreSQL cluster $v/main..."
    _comms_as_root pg_createcluster "$v" main >/dev/null || { _comms_err "pg_createcluster $v main failed"; return 1; }
  fi

  conf_file="$conf_dir/comms.conf"
  desired="# Written by tools/lib/infra.sh (Comms local development and tests). Changes here are overwritten.
# Seven services, each with its connection pool, plus parallel test fixtures.
max_connections = 400
listen_addresses = 'localhost'
shared_buffers = 256MB"
  if [[ ! -f "$conf_file" ]] || [[ "$(cat "$conf_file")" != "$desired" ]]; then
    _comms_as_root mkdir -p "$conf_dir" || return 1
    printf '%s\n' "$desired" | _comms_as_root tee "$conf_file" >/dev/null || { _comms_err "cannot write $conf_file"; return 1; }
    changed=1
    _comms_say "wrote $conf_file"
  fi

  # pg_ctlcluster status: 0 running, 3 not running, 4 no such cluster / not readable.
  local status=0
  _comms_as_root pg_ctlcluster "$v" main status >/dev/null 2>&1 || status=$?
  if [[ "$status" -eq 0 && "$changed" -eq 1 ]]; then
    _comms_say "restarting PostgreSQL $v/main to apply $conf_file..."
    _comms_as_root pg_ctlcluster "$v" main restart || { _comms_err "PostgreSQL $v/main did not restart"; _comms_tail "$cluster_log"; return 1; }
  elif [[ "$status" -ne 0 ]]; then
    _comms_say "starting PostgreSQL $v/main..."
    local out rc=0
    out="$(_comms_as_root pg_ctlcluster "$v" main start 2>&1)" || rc=$?
    # Exit code 2 with "already running" is a race with someone else starting it: fine.
    if [[ "$rc" -ne 0 ]] && ! grep -qi 'already running' <<<"$out"; then
      _comms_err "pg_ctlcluster $v main start failed (exit $rc): $out"
      _comms_tail "$cluster_log"
      return 1
    fi
  fi

  local deadline=$((SECONDS + 60))
  until pg_isready -q -h localhost -p "$COMMS_PG_PORT" -t 2; do
    if ((SECONDS >= deadline)); then
      _comms_err "PostgreSQL did not accept connections on localhost:$COMMS_PG_PORT within 60 s"
      _comms_tail "$cluster_log"
      return 1
    fi
    sleep 1
  done

  if ! _comms_pg_login_works; then
    _comms_say "setting up PostgreSQL role comms (password comms)..."
    if ! _comms_as postgres psql -X -q -v ON_ERROR_STOP=1 -p "$COMMS_PG_PORT" -d postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'comms') THEN
    CREATE ROLE comms LOGIN SUPERUSER CREATEDB PASSWORD 'comms';
  ELSE
    ALTER ROLE comms LOGIN SUPERUSER CREATEDB PASSWORD 'comms';
  END IF;
END
$$;
SQL
    then
      _comms_err "could not create the PostgreSQL role comms"
      return 1
    fi
    if ! _comms_pg_login_works; then
      _comms_err "role comms exists but password login over TCP (localhost:$COMMS_PG_PORT) fails; check /etc/postgresql/$v/main/pg_hba.conf"
      _comms_tail "$cluster_log"
      return 1
    fi
  fi
}

# ---------------------------------------------------------------- RabbitMQ

_comms_rabbit_ping() {
  _comms_as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

# The user is in place when it can log in to the management API as an administrator with
# full permissions on "/": one HTTP call instead of several slow CLI calls.
_comms_rabbit_user_ok() {
  local base="http://localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT/api"
  curl -fsS -m 5 -u comms:comms "$base/whoami" 2>/dev/null | grep -q '"administrator"' &&
    curl -fsS -m 5 -u comms:comms "$base/permissions/%2F/comms" 2>/dev/null |
      grep -q '"configure":"\.\*","write":"\.\*","read":"\.\*"'
}

_comms_rabbit_ensure_user() {
  if _comms_rabbit_user_ok; then
    return 0
  fi
  _comms_say "configuring RabbitMQ user comms..."
  local users
  users="$(_comms_as_root rabbitmqctl -q list_users 2>&1)" || { _comms_err "rabbitmqctl list_users failed: $users"; return 1; }
  if grep -qE '^comms([[:space:]]|$)' <<<"$users"; then
    _comms_as_root rabbitmqctl -q change_password comms comms >/dev/null || { _comms_err "rabbitmqctl change_password comms failed"; return 1; }
  else
    _comms_as_root rabbitmqctl -q add_user comms comms >/dev/null || { _comms_err "rabbitmqctl add_user comms failed"; return 1; }
  fi
  _comms_as_root rabbitmqctl -q set_user_tags comms administrator >/dev/null || { _comms_err "rabbitmqctl set_user_tags comms failed"; return 1; }
  _comms_as_root rabbitmqctl -q set_permissions -p / comms '.*' '.*' '.*' >/dev/null || { _comms_err "rabbitmqctl set_permissions comms failed"; return 1; }
}

_comms_rabbit_logs() {
  # The node's own log first, then the startup output, which ends with the reason a boot failed.
  _comms_tail /var/log/rabbitmq/rabbit@localhost.log "$COMMS_RABBITMQ_START_LOG"
}

# The management plugin answers a little after the node itself.
_comms_rabbit_wait_management() {
  local deadline=$((SECONDS + 60))
  until curl -fsS -m 3 -o /dev/null "http://localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT/" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      _comms_err "RabbitMQ management API did not answer on localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT within 60 s"
      _comms_rabbit_logs
      return 1
    fi
    sleep 1
  done
}

# The node's settings, all on loopback: AMQP, management, Erlang distribution (the node's 25672 and the CLI tools'
# 35672-35682) and epmd (4369). Patient names and phones cross this broker; nothing outside the machine may reach
# it. Sets _COMMS_RABBIT_RECONFIGURED=1 when a file had to change (a running node must restart to apply it).
_COMMS_RABBIT_ENV_BEGIN='# >>> written by Comms tools/lib/infra.sh (changes between these lines are overwritten)'
_COMMS_RABBIT_ENV_END='# <<< Comms'
_comms_rabbit_configure() {
  _COMMS_RABBIT_RECONFIGURED=0
  local env_file=/etc/rabbitmq/rabbitmq-env.conf conf_file=/etc/rabbitmq/conf.d/10-comms.conf current desired block
  # A fixed node name: the node boots whatever the host name is (or whether it resolves), and its data directory
  # stays the same when the machine is renamed.
  block="$_COMMS_RABBIT_ENV_BEGIN
NODENAME=rabbit@localhost
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"
CTL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"
$_COMMS_RABBIT_ENV_END"
  current="$(cat "$env_file" 2>/dev/null || true)"
  # What is outside our block stays (an earlier version of this script appended two bare lines: they go).
  desired="$(printf '%s\n' "$current" |
    awk -v begin="$_COMMS_RABBIT_ENV_BEGIN" -v end="$_COMMS_RABBIT_ENV_END" '$0 == begin { skip = 1 } !skip { print } $0 == end { skip = 0 }' |
    grep -vx -e 'NODENAME=rabbit@localhost' -e '# Added by Comms tools/lib/infra.sh: a node name that does not depend on the host name.' || true)"
  desired="$desired
$block"
  if [[ "$current" != "$desired" ]]; then
    _comms_as_root mkdir -p /etc/rabbitmq || return 1
    printf '%s\n' "$desired" | _comms_as_root tee "$env_file" >/dev/null || { _comms_err "cannot write $env_file"; return 1; }
    _COMMS_RABBIT_RECONFIGURED=1
    _comms_say "wrote $env_file"
  fi

  desired="# Written by tools/lib/infra.sh (Comms local development and tests). Changes here are overwritten.
listeners.tcp.default = 127.0.0.1:$COMMS_RABBITMQ_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $COMMS_RABBITMQ_MANAGEMENT_PORT"
  if [[ "$(cat "$conf_file" 2>/dev/null || true)" != "$desired" ]]; then
    _comms_as_root mkdir -p /etc/rabbitmq/conf.d || return 1
    printf '%s\n' "$desired" | _comms_as_root tee "$conf_file" >/dev/null || { _comms_err "cannot write $conf_file"; return 1; }
    _COMMS_RABBIT_RECONFIGURED=1
    _comms_say "wrote $conf_file"
  fi
}

# A node started before its settings changed: stop it and its epmd (which keeps the old address), to start again.
_comms_rabbit_stop_for_new_config() {
  _comms_say "restarting RabbitMQ to apply its new settings (listeners on 127.0.0.1 only)..."
  _comms_as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 60))
  while pgrep -u rabbitmq -f 'beam.*rabbit' >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      _comms_err "RabbitMQ did not stop within 60 s"
      return 1
    fi
    sleep 1
  done
  _comms_as_root pkill -x epmd >/dev/null 2>&1 || true
}

comms_start_rabbitmq() {
  if comms_docker_available; then
    _comms_compose_up rabbitmq
    return
  fi

  if ! command -v rabbitmq-server >/dev/null 2>&1 && [[ ! -x /usr/sbin/rabbitmq-server ]]; then
    _comms_apt_install rabbitmq-server || return 1
  fi
  # The management API checks below use curl.
  if ! command -v curl >/dev/null 2>&1; then
    _comms_apt_install curl || return 1
  fi
  # apt's sbin may be missing from a non-login root PATH.
  case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

  _comms_rabbit_configure || return 1
  if [[ "$_COMMS_RABBIT_RECONFIGURED" -eq 1 ]] && _comms_rabbit_ping; then
    _comms_rabbit_stop_for_new_config || return 1
  fi

  if _comms_rabbit_ping; then
    if ! curl -fsS -m 3 -o /dev/null "http://localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT/" 2>/dev/null; then
      _comms_say "enabling the RabbitMQ management plugin on the running node..."
      _comms_as_root rabbitmq-plugins -q enable rabbitmq_management >/dev/null || { _comms_err "rabbitmq-plugins enable rabbitmq_management failed"; return 1; }
    fi
  else
    local server_pid=""
    if pgrep -u rabbitmq -f 'beam.*rabbit' >/dev/null 2>&1; then
      # Probably still booting (started by someone else a moment ago): give it the same time we would.
      _comms_say "a RabbitMQ node process exists but does not answer yet; waiting for it..."
    else
      if ! grep -q 'rabbitmq_management' /etc/rabbitmq/enabled_plugins 2>/dev/null; then
        _comms_as_root rabbitmq-plugins -q enable --offline rabbitmq_management >/dev/null ||
          { _comms_err "rabbitmq-plugins enable --offline rabbitmq_management failed"; return 1; }
      fi
      _comms_say "starting RabbitMQ (log: $COMMS_RABBITMQ_START_LOG)..."
      _comms_as_root mkdir -p /var/log/rabbitmq
      _comms_as_root touch "$COMMS_RABBITMQ_START_LOG"
      _comms_as_root chown rabbitmq:rabbitmq "$COMMS_RABBITMQ_START_LOG" 2>/dev/null || true
      # Its own session, stdin/stdout/stderr away from ours: survives this script and a CI step's pipe.
      local sudo=()
      [[ "$(id -u)" -ne 0 ]] && sudo=(sudo)
      "${sudo[@]}" setsid nohup rabbitmq-server >>"$COMMS_RABBITMQ_START_LOG" 2>&1 </dev/null &
      server_pid=$!
      disown 2>/dev/null || true
    fi

    local deadline=$((SECONDS + 120))
    until _comms_rabbit_ping; do
      if [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null && ! _comms_rabbit_ping; then
        _comms_err "rabbitmq-server exited while starting"
        _comms_rabbit_logs
        return 1
      fi
      if ((SECONDS >= deadline)); then
        _comms_err "RabbitMQ did not answer 'rabbitmq-diagnostics -q ping' within 120 s"
        _comms_rabbit_logs
        return 1
      fi
      sleep 2
    done
  fi

  _comms_rabbit_wait_management || return 1
  _comms_rabbit_ensure_user || return 1
  if ! _comms_rabbit_user_ok; then
    _comms_err "RabbitMQ user comms still cannot use the management API as administrator"
    return 1
  fi
}

# ---------------------------------------------------------------- both

comms_start_infra() {
  if [[ "${COMMS_INFRA:-}" == "skip" ]]; then
    _comms_say "COMMS_INFRA=skip: not provisioning PostgreSQL or RabbitMQ"
    return 0
  fi
  local how="OS packages"
  comms_docker_available && how="docker compose"
  comms_start_postgres || { _comms_err "PostgreSQL is not available"; return 1; }
  comms_start_rabbitmq || { _comms_err "RabbitMQ is not available"; return 1; }
  _comms_say "ready (${how}):"
  _comms_say "  PostgreSQL  localhost:$COMMS_PG_PORT  user comms / comms"
  _comms_say "  RabbitMQ    amqp://comms:comms@localhost:$COMMS_RABBITMQ_PORT/  management http://localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT (comms / comms)"
}

# Values already set in the environment win: point the tests at your own servers.
# comms_ensure_chromium: the real browser the page tests drive (Debian's chromium; Playwright cannot download its
# own here). COMMS_CHROMIUM names another executable.
comms_ensure_chromium() {
  local chromium="${COMMS_CHROMIUM:-/usr/bin/chromium}"
  if [ -x "$chromium" ]; then
    return 0
  fi
  if [ -n "${COMMS_CHROMIUM:-}" ]; then
    _comms_err "COMMS_CHROMIUM=$COMMS_CHROMIUM is not an executable"
    return 1
  fi
  _comms_apt_install chromium || return 1
  [ -x /usr/bin/chromium ] || { _comms_err "chromium was installed but /usr/bin/chromium is missing"; return 1; }
}

# comms_ensure_maildev : maildev 2.x (npm) in .run/node, where tools/up starts it from and where the email tests
# fixture starts its own copies (on free ports, one per test class). Installs node and npm from the OS packages
# when missing. Starts nothing. COMMS_MAILDEV=/path/to/maildev/bin/maildev: use that one instead.
comms_ensure_maildev() {
  if [[ -n "${COMMS_MAILDEV:-}" ]]; then
    [[ -f "$COMMS_MAILDEV" ]] && return 0
    _comms_err "COMMS_MAILDEV=$COMMS_MAILDEV is not a file"
    return 1
  fi
  local node_dir="$COMMS_ROOT/.run/node"
  [[ -f "$node_dir/node_modules/maildev/bin/maildev" ]] && return 0
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    _comms_apt_install nodejs npm || return 1
  fi
  _comms_say "installing the SMTP sink (npm package maildev@^2) into ${node_dir#"$COMMS_ROOT"/}..."
  mkdir -p "$node_dir"
  local log
  log="$(mktemp -t comms-maildev.XXXXXX)"
  # maildev 3 wants Node 22; 2.x runs on the Node 18/20 that Debian has.
  if ! npm install --prefix "$node_dir" 'maildev@^2' --no-audit --no-fund >"$log" 2>&1; then
    _comms_err "npm install maildev@^2 failed"
    _comms_tail "$log"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

# comms_ensure_faketime : libfaketime (Debian's faketime package), for tools/test's COMMS_TEST_CLOCK; sets
# COMMS_FAKETIME_LIB, the library to preload.
comms_ensure_faketime() {
  COMMS_FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
  if [[ ! -f "$COMMS_FAKETIME_LIB" ]]; then
    _comms_apt_install faketime || return 1
    COMMS_FAKETIME_LIB="$(dpkg -L libfaketime 2>/dev/null | grep -m1 'libfaketimeMT.so.1$' || true)"
    [[ -f "$COMMS_FAKETIME_LIB" ]] || { _comms_err "faketime was installed but libfaketimeMT.so.1 was not found"; return 1; }
  fi
  export COMMS_FAKETIME_LIB
}

# comms_ensure_dovecot : Debian's dovecot (package dovecot-imapd), the IMAP server the reply tests start their own
# copies of (on free loopback ports, each with its own config and users in a temp dir; tests/Comms.Testing/Dovecot.cs).
# Installing starts no system dovecot where policy-rc.d forbids it (containers); the tests never use one.
# COMMS_DOVECOT=/path/to/dovecot: use that binary instead.
comms_ensure_dovecot() {
  if [[ -n "${COMMS_DOVECOT:-}" ]]; then
    [[ -x "$COMMS_DOVECOT" ]] && return 0
    _comms_err "COMMS_DOVECOT=$COMMS_DOVECOT is not an executable"
    return 1
  fi
  [[ -x /usr/sbin/dovecot ]] && return 0
  _comms_apt_install dovecot-imapd || return 1
  [[ -x /usr/sbin/dovecot ]] || { _comms_err "dovecot-imapd was installed but /usr/sbin/dovecot is missing"; return 1; }
}

comms_export_test_env() {
  export COMMS_TEST_POSTGRES="${COMMS_TEST_POSTGRES:-Host=localhost;Port=$COMMS_PG_PORT;Username=comms;Password=comms}"
  export COMMS_TEST_RABBITMQ_HOST="${COMMS_TEST_RABBITMQ_HOST:-localhost}"
  export COMMS_TEST_RABBITMQ_PORT="${COMMS_TEST_RABBITMQ_PORT:-$COMMS_RABBITMQ_PORT}"
  export COMMS_TEST_RABBITMQ_USER="${COMMS_TEST_RABBITMQ_USER:-comms}"
  export COMMS_TEST_RABBITMQ_PASSWORD="${COMMS_TEST_RABBITMQ_PASSWORD:-comms}"
  export COMMS_TEST_RABBITMQ_MANAGEMENT="${COMMS_TEST_RABBITMQ_MANAGEMENT:-http://localhost:$COMMS_RABBITMQ_MANAGEMENT_PORT}"
}
