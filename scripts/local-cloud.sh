#!/usr/bin/env bash
# shellcheck disable=SC2154 # admin, glance, owner, ..._db come from secrets/passwords.env
# A real OpenStack (Keystone + Glance, Debian's Zed packages) on loopback, for the
# acceptance tests and the demo. Everything it writes lives in one ignored folder.
usage() {
  cat <<EOF
usage: scripts/local-cloud.sh COMMAND
  up            install what is missing (apt), start PostgreSQL, Keystone and Glance,
                provision identities, wait until both APIs answer. Idempotent. Exit 3
                (before anything else) when another process, e.g. another checkout's
                local cloud, holds one of the ports.
  down          stop every process this script started (recorded pids); keeps the state.
  status        say what runs; exit 1 if a recorded process is down.
  env [ID]      print the PATH of the env file for identity ID (admin, owner (default),
                consumer1, consumer2):  . "\$(scripts/local-cloud.sh env consumer1)"
  glance-extra NAME PORT [KEY=VALUE...]
                start (or restart, if its options changed) a second glance-api on
                127.0.0.1:PORT, same DB and store, with KEY=VALUE added to [DEFAULT];
                not in the catalog. e.g.: glance-extra quota 19293 image_member_quota=2
  state-backend NAME [--read-only]
                a PostgreSQL database for Pulumi's state (role and database pulumi_NAME,
                made once, password kept in secrets/); prints its postgres:// URL for
                PULUMI_BACKEND_URL. Starts the cloud first if needed. --read-only: the
                URL of role pulumi_NAME_ro instead, which may only SELECT the state (a
                preview, a drift check, stack export; no up, refresh, stack rm, import):
                the pull-request and drift jobs' PULUMI_BACKEND_URL. Pulumi makes its
                table on the owner's first login; until then the role cannot log in.
  read-only-credential [NAME]
                an application credential of the owner that may only GET images and
                their members (Keystone access rules, enforced by Glance): reused while
                it works, made again otherwise. Writes env/NAME.env (default NAME
                owner-read-only; mode 0600, the secret is nowhere else) and prints its
                path:  . "\$(scripts/local-cloud.sh read-only-credential)"
                Exit 3 when Glance does not refuse what the rules forbid (the message
                says what to set).
  reset         down, then delete the whole state folder.
State folder: \${LOCAL_CLOUD_DIR:-<repo>/.local-cloud}: env/*.env, env/cloud.json,
clouds.yaml + secure.yaml, log/, run/ (pid files), etc/ (configs), secrets/.
Ports: \${LOCAL_CLOUD_KEYSTONE_PORT:-15000}, \${LOCAL_CLOUD_GLANCE_PORT:-19292},
PostgreSQL (private cluster) \${LOCAL_CLOUD_PG_PORT:-15432}; up keeps them in ports.env, read
by later commands on that folder when not given again.
EOF
}
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D=$(realpath -m "${LOCAL_CLOUD_DIR:-$HERE/../.local-cloud}")
# The ports `up` started this cloud with are kept in its folder (ports.env), so the later
# commands on it (state-backend, read-only-credential, glance-extra, status) need only
# LOCAL_CLOUD_DIR. Given again, LOCAL_CLOUD_*_PORT win.
saved_port() { sed -n "s/^$1=//p" "$D/ports.env" 2>/dev/null || true; }
KS_PORT=${LOCAL_CLOUD_KEYSTONE_PORT:-$(saved_port keystone)}; KS_PORT=${KS_PORT:-15000}
GL_PORT=${LOCAL_CLOUD_GLANCE_PORT:-$(saved_port glance)}; GL_PORT=${GL_PORT:-19292}
PG_PORT=${LOCAL_CLOUD_PG_PORT:-$(saved_port pg)}; PG_PORT=${PG_PORT:-15432}
KS_URL=http://127.0.0.1:$KS_PORT
GL_URL=http://127.0.0.1:$GL_PORT
REGION=RegionOne
PY=/usr/bin/python3 # Debian's python: the one with the OpenStack libraries, not a pyenv shim
PACKAGES=(keystone glance-api postgresql python3-psycopg2 uwsgi-core uwsgi-plugin-python3
  python3-openstackclient curl)
export DEBIAN_FRONTEND=noninteractive

say() { echo "local-cloud: $*" >&2; }
die() { say "error: $*"; exit 1; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]}"
  # The packages' postinst would start their own services: policy-rc.d answering 101
  # forbids that. The debconf defaults already say "do not configure a database".
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # ours: gone again whatever happens
  fi
  apt-get update -q >"$D/log/apt.log" 2>&1 || fail_with_log "apt-get update failed" apt
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" \
    >>"$D/log/apt.log" 2>&1 || fail_with_log "apt-get install failed" apt
}

# --- processes: pid files under run/, a pid counts only if its command line names $D
# (after a machine restart a stale pid may belong to an unrelated process).
pid_of() { cat "$D/run/$1.pid" 2>/dev/null || true; }
alive() {
  local pid mark=$D; pid=$(pid_of "$1"); [ "$1" != postgres ] || mark=$PGDATA
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$mark"
}
# start NAME CMD...: detached (own session, no terminal, output to log/NAME.log) so it
# outlives this script; the child records its own pid before exec'ing the service.
start() {
  local name=$1; shift
  echo "=== $(date -Is) starting: $*" >>"$D/log/$name.log"
  # shellcheck disable=SC2016 # expanded by the child sh
  rm -f "$D/run/$name.pid"
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$D/run/$name.pid" "$@" \
    </dev/null >>"$D/log/$name.log" 2>&1 9>&- & # 9: the lock (see lock), not for daemons
  # Until the child has written its pid, `alive` would call it dead (seen on a loaded machine:
  # "glance exited" with nothing in its log): wait for the file.
  for _ in $(seq 100); do [ -s "$D/run/$name.pid" ] && return; sleep 0.1; done
  fail_with_log "$name did not start" "$name"
}
# ensure NAME CHANGED CMD...: leave a running NAME alone unless its config CHANGED (non-
# empty) or its command line differs from the recorded one (run/NAME.cmd); else (re)start.
ensure() {
  local name=$1 changed=$2 want; shift 2; want=$(printf '%q ' "$@")
  if alive "$name" && { [ -n "$changed" ] || [ "$want" != "$(cat "$D/run/$name.cmd" 2>/dev/null)" ]; }; then
    stop "$name"; fi
  alive "$name" && return
  say "starting $name"; start "$name" "$@"; echo "$want" >"$D/run/$name.cmd"
}
stop() {
  local name=$1 pid
  if alive "$name"; then
    pid=$(pid_of "$name"); say "stopping $name ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
    [ ! -d "/proc/$pid" ] || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$D/run/$name.pid" "$D/run/$name.cmd"
}
fail_with_log() { say "$1; last lines of $D/log/$2.log:"; tail -n 40 "$D/log/$2.log" >&2 || true; exit 1; }
# wait_http NAME URL: until URL answers 2xx/3xx, or fail showing NAME's log.
wait_http() {
  for _ in $(seq 240); do
    curl -fsS -o /dev/null -m 5 "$2" 2>/dev/null && return
    alive "$1" || fail_with_log "$1 exited" "$1"
    sleep 0.5
  done
  fail_with_log "$1 does not answer $2" "$1"
}
token() { # token USER PROJECT PASSWORD -> prints a project-scoped token
  curl -fsS -m 30 -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{
    \"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$1\",\"domain\":{\"id\":\"default\"},
    \"password\":\"$3\"}}},\"scope\":{\"project\":{\"name\":\"$2\",\"domain\":{\"id\":\"default\"}}}}}" \
    "$KS_URL/v3/auth/tokens?nocatalog" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p'
}

# --- state: random passwords made once, configs rendered from scripts/local-cloud/*.in
secrets() {
  local f=$D/secrets/passwords.env n
  mkdir -p "$D/secrets"; chmod 700 "$D/secrets"
  if [ ! -s "$f" ]; then
    (umask 077; for n in admin glance owner consumer1 consumer2 keystone_db glance_db; do
      echo "$n=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"; done >"$f")
  fi
  # shellcheck disable=SC1090
  . "$f"
}
render() { # render TEMPLATE OUT: substitute @VARS@; report (exit 0) only if OUT changed
  local new
  new=$(sed -e "s|@DIR@|$D|g; s|@PG_PORT@|$PG_PORT|g; s|@KEYSTONE_PORT@|$KS_PORT|g" \
    -e "s|@GLANCE_PORT@|$GL_PORT|g; s|@REGION@|$REGION|g; s|@GLANCE_PASSWORD@|$glance|g" \
    -e "s|@KEYSTONE_DB_PASSWORD@|$keystone_db|g; s|@GLANCE_DB_PASSWORD@|$glance_db|g" "$1")
  [ -f "$2" ] && [ "$new" = "$(cat "$2")" ] && return 1
  (umask 077; printf '%s\n' "$new" >"$2"); return 0
}

# --- PostgreSQL: a private cluster owned by the postgres user (the server refuses root).
# Its files live in $D/pg, or, when a parent folder bars the postgres user (e.g. a 0700
# checkout), in a folder named after $D under its home, linked from $D/pg. The server
# only ever sees the resolved path ($PGDIR), never one through $D.
PG=(runuser -u postgres --)
pg_paths() {
  PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDIR=$(readlink -m "$D/pg") PGDATA=$(readlink -m "$D/pg")/data
}
pg_running() { [ -e "$PGDATA/PG_VERSION" ] && "${PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
pg_pid() { # the server's own pid file starts with its pid; copy it to run/ for status
  if [ -e "$PGDATA/postmaster.pid" ]; then head -n 1 "$PGDATA/postmaster.pid" >"$D/run/postgres.pid"
  else rm -f "$D/run/postgres.pid"; fi
}
psql_su() { psql_db postgres "$1"; }
psql_db() { "${PG[@]}" psql -h "$PGDIR" -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }
pg_setup() {
  if [ ! -e "$D/pg" ]; then
    mkdir -p "$D/pg"; chown postgres: "$D/pg"; chmod 700 "$D/pg"
    if ! "${PG[@]}" test -w "$D/pg"; then
      local alt; alt=/var/lib/postgresql/local-cloud/$(echo "$D" | md5sum | cut -c1-16)
      rm -rf "$alt" "$D/pg"; mkdir -p "$alt"; chown postgres: "$alt"; chmod 700 "$alt"
      ln -s "$alt" "$D/pg"
      echo "$D" >"$alt/local-cloud-dir" # names the owner for check_ports in other checkouts
    fi
  fi
  pg_paths
  ln -sfn "$PGDIR/postgres.log" "$D/log/postgres.log" # written by the server itself
  if [ ! -e "$PGDATA/PG_VERSION" ]; then
    "${PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >>"$D/log/initdb.log" 2>&1 ||
      fail_with_log "initdb failed" initdb
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
      "$PG_PORT" "$PGDIR" >>"$PGDATA/postgresql.auto.conf"
  fi
  if ! pg_running; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    setsid "${PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDIR/postgres.log" -w -t 60 start \
      </dev/null >/dev/null 9>&- || fail_with_log "PostgreSQL did not start" postgres
  fi
  pg_pid
  psql_su 'SELECT 1' >/dev/null || fail_with_log "PostgreSQL does not answer" postgres
  local db pw
  for db in keystone glance; do
    pw=${db}_db; pw=${!pw}
    psql_su "SELECT 1 FROM pg_roles WHERE rolname='$db'" | grep -q 1 ||
      psql_su "CREATE ROLE $db LOGIN PASSWORD '$pw'" >/dev/null
    psql_su "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 ||
      psql_su "CREATE DATABASE $db OWNER $db" >/dev/null
  done
}

# --- ports: another checkout's cloud on the same ports would only show as a bind error deep
# in PostgreSQL's log. Checked first: name each taken port, its holder, and the ways out.
# listener PORT: "PID CMDLINE" of the process listening on TCP PORT, or nothing.
listener() {
  local pid
  # Every pid read, then the first one taken: `| head -n 1` under pipefail fails the pipeline
  # with SIGPIPE (exit 141) whenever sed writes more after head has gone.
  pid=$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
  pid=${pid%%$'\n'*}
  if [ -n "$pid" ]; then echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  elif ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then echo "? (a process not visible here)"; fi
}
# cloud_dir_of CMDLINE: the state folder of the local cloud that process belongs to, if any.
cloud_dir_of() {
  local dir
  dir=$(sed -n 's#.*[= ]\(/[^ ]*\)/\(etc/keystone\.conf\|etc/glance-api\.conf\|pg/data\)\( .*\)\{0,1\}$#\1#p' <<<"$1")
  if [ -z "$dir" ]; then # a cluster kept under postgres's home names its owner in a file
    dir=$(sed -n 's#.* -D \(/[^ ]*\)/data\( .*\)\{0,1\}$#\1#p' <<<"$1")
    dir=$([ -n "$dir" ] && cat "$dir/local-cloud-dir" 2>/dev/null || true)
  fi
  echo "$dir"
}
check_ports() {
  local taken=() others=() port what holder dir mine
  mine=$([ -e "$D/pg" ] && readlink -m "$D/pg" || echo "$D")
  for port in "$PG_PORT:PostgreSQL:PG" "$KS_PORT:Keystone:KEYSTONE" "$GL_PORT:Glance:GLANCE"; do
    holder=$(listener "${port%%:*}"); [ -n "$holder" ] || continue
    # our own cloud, already running: up is idempotent
    case " $holder" in *" $D/"* | *"=$D/"* | *" $mine/"*) continue ;; esac
    dir=$(cloud_dir_of "$holder"); what=${port#*:}
    taken+=("  127.0.0.1:${port%%:*} (${what%%:*}, LOCAL_CLOUD_${what#*:}_PORT) held by pid ${holder%% *}: $(cut -c1-120 <<<"${holder#* }")${dir:+
      that is the local cloud of $dir}")
    [ -z "$dir" ] || [[ " ${others[*]} " == *" $dir "* ]] || others+=("$dir")
  done
  [ ${#taken[@]} -eq 0 ] && return
  say "error: cannot start the local cloud of $D: its ports are taken"
  printf '%s\n' "${taken[@]}" >&2
  say "two ways out:"
  if [ ${#others[@]} -gt 0 ]; then
    for dir in "${others[@]}"; do
      say "  - stop the other cloud: LOCAL_CLOUD_DIR=$dir bash scripts/local-cloud.sh down"
    done
  else say "  - stop the process holding the port"; fi
  say "  - or give this cloud other ports, e.g. LOCAL_CLOUD_PG_PORT=$((PG_PORT + 1)) LOCAL_CLOUD_KEYSTONE_PORT=$((KS_PORT + 1)) LOCAL_CLOUD_GLANCE_PORT=$((GL_PORT + 10)) bash scripts/local-cloud.sh up"
  exit 3
}

# --- Keystone under uwsgi. --http11-socket keeps connections alive (a plain http-socket
# resets kept-alive client connections; --http-keepalive belongs to the http router plugin
# and changes nothing here: measured). An idle kept-alive connection holds a thread until
# --socket-timeout, then uwsgi closes it: 10 s outlives Node's 5 s idle-socket timeout, so
# Node never reuses a socket uwsgi is closing. One process: its in-memory cache (see
# keystone.conf.in) must see every write; many threads for the idle connections.
keystone_up() {
  local changed=; render "$HERE/local-cloud/keystone.conf.in" "$D/etc/keystone.conf" && changed=1
  local km="keystone-manage --config-file $D/etc/keystone.conf --log-file $D/log/keystone-manage.log"
  if [ ! -e "$D/state/keystone-bootstrapped" ]; then
    say "bootstrapping Keystone (db_sync, keys, admin)"
    { $km db_sync
      [ -e "$D/keystone/fernet-keys/0" ] || $km fernet_setup --keystone-user root --keystone-group root
      [ -e "$D/keystone/credential-keys/0" ] || $km credential_setup --keystone-user root --keystone-group root
      $km bootstrap --bootstrap-password "$admin" --bootstrap-region-id "$REGION" \
        --bootstrap-admin-url "$KS_URL/v3" --bootstrap-internal-url "$KS_URL/v3" \
        --bootstrap-public-url "$KS_URL/v3"
    } >>"$D/log/keystone-manage.log" 2>&1 || fail_with_log "Keystone bootstrap failed" keystone-manage
    touch "$D/state/keystone-bootstrapped"
  fi
  ensure keystone "$changed" uwsgi-core --plugin python3 --http11-socket "127.0.0.1:$KS_PORT" \
      --socket-timeout 10 --master --die-on-term --enable-threads --processes 1 \
      --threads 32 --buffer-size 65535 --need-app --wsgi-file /usr/bin/keystone-wsgi-public \
      --env "OS_KEYSTONE_CONFIG_FILES=$D/etc/keystone.conf"
  wait_http keystone "$KS_URL/v3"
  [ -n "$(token admin admin "$admin")" ] || fail_with_log "Keystone issues no admin token" keystone
}

glance_sync() { # glance-manage db_sync once; runs in the background while Keystone boots
  [ -e "$D/state/glance-synced" ] && return
  # shellcheck disable=SC2094 # both append to the log: its logger and its stray output
  glance-manage --config-file "$D/etc/glance-api.conf" --log-file "$D/log/glance-manage.log" \
    db_sync >>"$D/log/glance-manage.log" 2>&1 &&
    touch "$D/state/glance-synced"
}

# glance_up NAME PORT CONFIG...: start glance-api with these config files (later wins)
# unless it already runs with them; wait for /versions and an owner's GET /v2/images.
glance_up() {
  local name=$1 port=$2 changed=$3; shift 3
  ensure "$name" "$changed" glance-api "${@/#/--config-file=}"
  wait_http "$name" "http://127.0.0.1:$port/versions"
  local t; t=$(token owner owner "$owner")
  curl -fsS -o /dev/null -m 30 -H "X-Auth-Token: $t" "http://127.0.0.1:$port/v2/images" ||
    fail_with_log "$name rejects an authenticated GET /v2/images" "$name"
}

cmd_up() {
  check_ports
  mkdir -p "$D"/{log,run,etc,state,keystone,images,images-staging,images-tasks,lock}
  printf 'pg=%s\nkeystone=%s\nglance=%s\n' "$PG_PORT" "$KS_PORT" "$GL_PORT" >"$D/ports.env"
  install_packages
  secrets
  pg_setup
  local gchanged=; render "$HERE/local-cloud/glance-api.conf.in" "$D/etc/glance-api.conf" && gchanged=1
  glance_sync & local sync_pid=$!
  keystone_up
  LC_DIR=$D LC_KEYSTONE_URL=$KS_URL LC_GLANCE_URL=$GL_URL LC_REGION=$REGION \
    $PY "$HERE/local-cloud/provision.py" || die "Keystone provisioning failed"
  wait "$sync_pid" || true; [ -e "$D/state/glance-synced" ] || fail_with_log "glance db_sync failed" glance-manage
  glance_up glance "$GL_PORT" "$gchanged" "$D/etc/glance-api.conf"
  local f n # extras that ran before (pid file left, e.g. after a machine restart) come back
  for f in "$D"/run/glance-extra-*.pid; do
    [ -e "$f" ] || continue; n=$(basename "$f" .pid)
    glance_up "$n" "$(sed -n 's/^bind_port = //p' "$D/etc/$n.conf")" "$gchanged" \
      "$D/etc/glance-api.conf" "$D/etc/$n.conf"
  done
  say "up: Keystone $KS_URL/v3, Glance $GL_URL; identities in $D/env/cloud.json"
}

cmd_glance_extra() {
  [ $# -ge 2 ] || { usage >&2; exit 2; }
  local name=$1 port=$2 kv; shift 2
  [[ $name =~ ^[a-z0-9_-]+$ ]] || die "bad NAME '$name' (use [a-z0-9_-])"
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" = "$GL_PORT" ] || [ "$port" = "$KS_PORT" ]; then
    die "bad PORT '$port'"; fi
  if ! alive keystone || ! alive glance; then cmd_up; fi
  secrets
  local conf=$D/etc/glance-extra-$name.conf new
  new=$(printf '[DEFAULT]\nbind_port = %s\nworkers = 1\nlog_file = %s\n' "$port" \
      "$D/log/glance-extra-$name.log"
    for kv in "$@"; do [[ $kv =~ ^[A-Za-z0-9_]+= ]] || die "bad option '$kv' (KEY=VALUE)"
      printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done)
  local changed=
  if [ ! -f "$conf" ] || [ "$new" != "$(cat "$conf")" ]; then printf '%s\n' "$new" >"$conf"; changed=1; fi
  glance_up "glance-extra-$name" "$port" "$changed" "$D/etc/glance-api.conf" "$conf"
  say "glance-extra $name: http://127.0.0.1:$port ($*)"
}

cmd_state_backend() {
  local name=${1:-} ro=${2:-}
  [ $# -le 2 ] && [[ $name =~ ^[a-z0-9_]+$ ]] && [[ $ro =~ ^(|--read-only)$ ]] ||
    die "usage: state-backend NAME [--read-only] (NAME: [a-z0-9_])"
  pg_paths
  if ! pg_running; then cmd_up; fi
  local role=pulumi_$name
  mkdir -p "$D/secrets"
  pg_login "$role" "$D/secrets/state-backend-$name.pw"
  psql_su "SELECT 1 FROM pg_database WHERE datname='$role'" | grep -q 1 ||
    psql_su "CREATE DATABASE $role OWNER $role" >/dev/null
  if [ -z "$ro" ]; then echo "postgres://$role:$PW@127.0.0.1:$PG_PORT/$role?sslmode=disable"; return; fi
  # The read-only role: what `pulumi preview` (--refresh too) and `stack export` run is
  # SELECTs on the state table (docs/guardrails.md, "The state: a read-only role"); a
  # lock, a checkpoint, a history entry, `stack rm` or `stack import` need INSERT or DELETE,
  # refused here. The table is made by Pulumi on the writer's first login, hence the default
  # privileges; no one but the owner may CREATE in the database (where Pulumi would make the
  # table if it did not see one) or connect to it otherwise.
  local reader=${role}_ro
  pg_login "$reader" "$D/secrets/state-backend-$name-ro.pw"
  psql_db "$role" "REVOKE ALL ON DATABASE $role FROM PUBLIC;
    GRANT CONNECT ON DATABASE $role TO $reader;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO $reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO $reader;
    ALTER DEFAULT PRIVILEGES FOR ROLE $role IN SCHEMA public GRANT SELECT ON TABLES TO $reader;" >/dev/null
  echo "postgres://$reader:$PW@127.0.0.1:$PG_PORT/$role?sslmode=disable"
}
# pg_login ROLE PASSWORD_FILE: the login role, its password made once and kept in the file;
# sets PW. Never more than LOGIN: no CREATEDB, no CREATEROLE, no superuser.
pg_login() {
  [ -s "$2" ] || (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$2")
  PW=$(cat "$2")
  if psql_su "SELECT 1 FROM pg_roles WHERE rolname='$1'" | grep -q 1; then
    psql_su "ALTER ROLE $1 LOGIN PASSWORD '$PW'" >/dev/null
  else psql_su "CREATE ROLE $1 LOGIN PASSWORD '$PW'" >/dev/null; fi
}

cmd_read_only_credential() {
  local name=${1:-owner-read-only}
  [[ $name =~ ^[a-z0-9_-]+$ ]] || die "bad NAME '$name' (use [a-z0-9_-])"
  case $name in admin | owner | consumer1 | consumer2 | glance) die "NAME '$name' is an identity's env file" ;; esac
  if ! alive keystone || ! alive glance; then cmd_up; fi
  local rc=0
  LC_CLOUD_JSON=$D/env/cloud.json LC_NAME=$name LC_ENV_FILE=$D/env/$name.env \
    $PY "$HERE/local-cloud/read-only-credential.py" || rc=$?
  [ $rc = 0 ] || { say "error: could not make the read-only credential"; exit $rc; }
}

cmd_down() {
  local f
  for f in "$D"/run/glance-extra-*.pid; do [ -e "$f" ] && stop "$(basename "$f" .pid)"; done
  stop glance; stop keystone
  pg_paths
  if pg_running; then say "stopping PostgreSQL"; "${PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; fi
  rm -f "$D/run/postgres.pid"
}

cmd_status() {
  local rc=0 name f
  pg_paths; pg_pid
  for f in postgres keystone glance "$D"/run/glance-extra-*.pid; do
    name=$(basename "$f" .pid); [ "$f" != "$D/run/glance-extra-*.pid" ] || continue
    if alive "$name"; then echo "$name: running (pid $(pid_of "$name"))"
    else echo "$name: DOWN"; rc=1; fi
  done
  if [ $rc = 0 ]; then
    curl -fsS -o /dev/null -m 5 "$KS_URL/v3" || { echo "keystone: not answering $KS_URL/v3"; rc=1; }
    curl -fsS -o /dev/null -m 5 "$GL_URL/versions" || { echo "glance: not answering $GL_URL/versions"; rc=1; }
  fi
  return $rc
}

# One command at a time (tests running in parallel may all ask for the same glance-extra).
lock() { mkdir -p "$D"; exec 9>>"$D/.lock"; flock -w 900 9 || die "another local-cloud.sh holds $D/.lock"; }
case ${1:-} in
  up|down|glance-extra|state-backend|read-only-credential|reset) lock ;;
esac
case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) f=$D/env/${2:-owner}.env; [ -f "$f" ] || die "no $f (run up; identities: admin owner consumer1 consumer2)"; echo "$f" ;;
  glance-extra) shift; cmd_glance_extra "$@" ;;
  state-backend) shift; cmd_state_backend "$@" ;;
  read-only-credential) shift; cmd_read_only_credential "$@" ;;
  reset) cmd_down; say "deleting $D"; rm -rf "$PGDIR" "$D" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
