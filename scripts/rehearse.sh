#!/usr/bin/env bash
# A bare-machine rehearsal of the README's two commands, the way a newcomer runs them: a fresh
# clone of this repository's HEAD, HOME pointing to an empty folder (so no Go module or build
# cache, no npm cache, no project cache under ~/.cache), then the demo command and the test
# command, each step timed. What it cannot undo on this machine: Debian packages already
# installed (the local cloud's apt step is then shorter than on a bare machine; the rehearsal
# says so) and the machine's own tools (Go, Node.js 20, npm, Python).
#
# Usage: bash scripts/rehearse.sh [demo|test|both]   (default both; demo alone about 9 minutes)
# Env: PIM_REHEARSAL_KEEP=true keeps the folder (clone, HOME) for a look afterwards. The local
# cloud's ports must be free (stop this checkout's: scripts/local-cloud.sh down).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-both}
case "$what" in demo | test | both) ;; *) echo "usage: $0 [demo|test|both]" >&2 && exit 2 ;; esac

say() { printf '\nrehearse: %s\n' "$*" >&2; }
work=$(mktemp -d /tmp/pim-rehearsal.XXXXXX)
home=$work/home
clone=$work/clone
mkdir -p "$home"
rows=()
started_all=$SECONDS

# The newcomer's environment: the machine's PATH, an empty HOME, none of our caches' settings.
newcomer() {
  env -u PIM_CACHE_DIR -u GOPATH -u GOCACHE -u GOMODCACHE -u XDG_CACHE_HOME -u npm_config_cache \
    -u PULUMI_HOME -u PULUMI_BACKEND_URL -u PIM_CLOUD_JSON -u LOCAL_CLOUD_DIR \
    HOME="$home" "$@"
}

cleanup() {
  local rc=$?
  if [ -d "$clone" ]; then
    (cd "$clone" && newcomer bash scripts/local-cloud.sh reset >/dev/null 2>&1) || true
  fi
  if [ "${PIM_REHEARSAL_KEEP:-}" = true ]; then
    say "kept $work"
  else
    [ ! -d "$home/go" ] || chmod -R u+w "$home/go" 2>/dev/null || true
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT

# A newcomer's machine runs no other local cloud, and the tests expect the default ports (one
# of them checks that a second cloud on them is refused): another checkout's cloud must stop.
for port in "${LOCAL_CLOUD_PG_PORT:-15432}" "${LOCAL_CLOUD_KEYSTONE_PORT:-15000}" "${LOCAL_CLOUD_GLANCE_PORT:-19292}"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "rehearse: port $port is taken (another checkout's local cloud?); stop it first, e.g." >&2
    echo "  bash $repo/scripts/local-cloud.sh down" >&2
    exit 3
  fi
done

timed() { # timed LABEL COMMAND...: run it in the clone as the newcomer, record its seconds
  local label=$1 t=$SECONDS rc=0
  shift
  say "$label"
  (cd "$clone" && newcomer "$@") || rc=$?
  rows+=("$label|$((SECONDS - t))|$rc")
  return "$rc"
}
report() {
  local row label rest
  printf '\nrehearse: the two commands on a bare HOME (%s, %s cores, Debian packages: %s)\n' \
    "$(date -u +%Y-%m-%d)" "$(nproc)" "$preinstalled" >&2
  for row in "${rows[@]}"; do
    label=${row%%|*} rest=${row#*|}
    printf '  %-44s %6s s  exit %s\n' "$label" "${rest%%|*}" "${rest#*|}" >&2
  done
  printf '  %-44s %6s s\n' "total" "$((SECONDS - started_all))" >&2
}

if dpkg-query -W -f='${Status}' keystone glance-api 2>/dev/null | grep -q 'ok installed'; then
  preinstalled="keystone and glance-api already installed, their apt step not included"
else
  preinstalled="none of the local cloud's installed"
fi

say "fresh clone of $(git -C "$repo" rev-parse --short HEAD) into $clone; HOME=$home (empty)"
git clone --quiet --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout --quiet "$(git -C "$repo" rev-parse HEAD)"

rc=0
if [ "$what" != test ]; then
  timed "demo command: bash scripts/demo.sh" bash scripts/demo.sh || rc=$?
fi
if [ "$rc" = 0 ] && [ "$what" != demo ]; then
  timed "test command: bash scripts/test.sh" env CI=true bash scripts/test.sh || rc=$?
fi
report
exit "$rc"
