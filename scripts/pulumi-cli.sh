#!/usr/bin/env bash
# Provides a Pulumi CLI that can run this project's TypeScript programs (dynamic providers) and
# YAML programs (the provider plugin) offline.
#
# No package registry ships the Pulumi CLI binary, but the Go module proxy serves Pulumi's Go
# modules, so the CLI is compiled from them once and cached, keyed by version:
#   $PIM_CACHE_DIR/pulumi-v<version>/bin/{pulumi,pulumi-language-nodejs,pulumi-resource-pulumi-nodejs}
# and the YAML language host, a module of its own with versions of its own, beside it:
#   $PIM_CACHE_DIR/pulumi-language-yaml-v<version>/bin/pulumi-language-yaml
# linked into the CLI's bin dir, so that the one dir on PATH serves both runtimes.
#
# Usage: scripts/pulumi-cli.sh [ensure|bin-dir|version] [all|nodejs]
#   ensure   (default) build if missing, then print the bin dir (the only line on stdout)
#   bin-dir  print the bin dir, never build (exit 1 if there is none)
#   version  print the Pulumi version this script builds
# The second word says which runtimes the bin dir must serve: all (default: nodejs and yaml) or
# nodejs (the CLI and its Node.js language host only: what a TypeScript program such as the
# quickstart needs, without the YAML host's build).
# A suitable Pulumi already on PATH (v3.200+, with its Node.js language host) is used as is.
#
# Env: PULUMI_CLI_VERSION (default 3.274.1), PULUMI_YAML_VERSION (default 1.25.0),
#   PIM_CACHE_DIR (default ~/.cache/pulumi-image-members).
# To run offline, also set: PULUMI_BACKEND_URL=file://<dir>, PULUMI_CONFIG_PASSPHRASE=<any>,
#   PULUMI_SKIP_UPDATE_CHECK=true, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true.
set -euo pipefail

VERSION="${PULUMI_CLI_VERSION:-3.274.1}"
VERSION="${VERSION#v}"
# The Node.js language host has been a Go module of its own since sdk v3.69.0, and the module
# proxy does not serve that module. Up to v3.68.0 it was a package of the sdk/v3 module, which
# the proxy does serve, so that is the one built. It still speaks the engine's protocol and
# starts the program through the npm @pulumi/pulumi package of the project, so the SDK features
# the program sees are those of the project's @pulumi/pulumi, not of this host.
LANGHOST_SDK_VERSION="3.68.0"
CACHE_ROOT="${PIM_CACHE_DIR:-$HOME/.cache/pulumi-image-members}"
DEST="$CACHE_ROOT/pulumi-v$VERSION"
BIN_DIR="$DEST/bin"
TOOLS=(pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs)
# `runtime: yaml` programs: the module github.com/pulumi/pulumi-yaml, built with `go install`.
YAML_VERSION="${PULUMI_YAML_VERSION:-1.25.0}"
YAML_VERSION="${YAML_VERSION#v}"
YAML_DEST="$CACHE_ROOT/pulumi-language-yaml-v$YAML_VERSION"
YAML_HOST="$YAML_DEST/bin/pulumi-language-yaml"

log() { echo "pulumi-cli: $*" >&2; }
die() { log "error: $*"; exit 1; }

# True when every tool is an executable file in dir $1.
complete_in() {
  local t
  for t in "${TOOLS[@]}"; do [[ -x "$1/$t" ]] || return 1; done
}

# Prints the dir of a suitable pulumi on PATH: v3.200 or newer, with the two language hosts and
# the dynamic provider plugin found on PATH too (a real install ships them side by side).
path_dir() {
  local p v
  p="$(command -v pulumi)" || return 1
  command -v pulumi-language-nodejs >/dev/null && command -v pulumi-resource-pulumi-nodejs >/dev/null || return 1
  [[ "$RUNTIMES" == nodejs ]] || command -v pulumi-language-yaml >/dev/null || return 1
  v="$(PULUMI_SKIP_UPDATE_CHECK=true "$p" version 2>/dev/null)" || return 1
  [[ "$v" =~ ^v?3\.([0-9]+)\. ]] && ((BASH_REMATCH[1] >= 200)) || return 1
  dirname "$p"
}

# Downloads a module (a no-op when cached) and prints its folder in the module cache.
mod_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# Builds package $3 of module $1 at version $2 into file $4, working in folder $5.
# `go install pkg@version` refuses modules whose go.mod has replace directives, so the build runs
# in a wrapper module that copies the go.mod (and go.sum) of $1, minus the replaces that point at
# local folders (pkg/v3's `sdk/v3 => ../sdk`); sdk/v3 is then pinned to the same release instead.
build_from() {
  local mod="$1" ver="$2" pkg="$3" out="$4" work="$5" src
  src="$(mod_dir "$mod@v$ver")"
  [[ -n "$src" ]] || die "could not download $mod@v$ver"
  mkdir -p "$work"
  sed -e 's#^module .*#module pim.local/build#' -e '/=>[[:space:]]*\.\.\{0,1\}\//d' "$src/go.mod" >"$work/go.mod"
  cp "$src/go.sum" "$work/go.sum"
  chmod u+w "$work/go.mod" "$work/go.sum"
  (cd "$work" && go mod edit -require="$mod@v$ver" -require="github.com/pulumi/pulumi/sdk/v3@v$ver" &&
    go build -mod=mod -buildvcs=false -trimpath -o "$out" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$ver" "$pkg")
}

build() {
  command -v go >/dev/null || die "Go is needed to build the Pulumi CLI (go.mod of pulumi says go 1.26.6)"
  command -v node >/dev/null || log "warning: node is not on PATH; the language host needs it at run time"
  mkdir -p "$CACHE_ROOT"
  # Serialize concurrent builds (e.g. two test runs); the second one then finds the cache filled.
  exec 9>"$CACHE_ROOT/.lock"
  if command -v flock >/dev/null; then flock 9; fi
  if complete_in "$BIN_DIR"; then return 0; fi
  rm -rf "$CACHE_ROOT"/.build-*  # left by a killed build; safe to drop while holding the lock
  # Build in a temp dir beside the cache and rename it into place only when complete, so an
  # interrupted build never leaves a half cache behind.
  local start tmp
  tmp="$(mktemp -d "$CACHE_ROOT/.build-v$VERSION.XXXXXX")"
  BUILD_TMP="$tmp"  # global: the EXIT trap runs after this function's locals are gone
  trap 'rm -rf "${BUILD_TMP:-}"' EXIT
  export CGO_ENABLED=0
  start=$SECONDS
  log "building pulumi v$VERSION from Go modules into $BIN_DIR (first time only: ~4 minutes on 2 cores with empty Go caches, seconds with warm ones)"
  build_from github.com/pulumi/pulumi/pkg/v3 "$VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "$tmp/out/bin/pulumi" "$tmp/cli"
  log "building pulumi-language-nodejs from sdk v$LANGHOST_SDK_VERSION (~40 s)"
  build_from github.com/pulumi/pulumi/sdk/v3 "$LANGHOST_SDK_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
    "$tmp/out/bin/pulumi-language-nodejs" "$tmp/langhost"
  # The engine starts this shell script for dynamic providers; the sdk/v3 module ships it.
  install -m 755 "$(mod_dir "github.com/pulumi/pulumi/sdk/v3@v$VERSION")/nodejs/dist/pulumi-resource-pulumi-nodejs" \
    "$tmp/out/bin/"
  complete_in "$tmp/out/bin" || die "build finished without all of: ${TOOLS[*]}"
  rm -rf "$DEST"
  mv -T "$tmp/out" "$DEST"
  log "built pulumi v$VERSION in $((SECONDS - start)) s"
}

# True when the CLI's bin dir $1 links the YAML language host of the wanted version.
yaml_linked_in() {
  [[ -x "$YAML_HOST" && "$(readlink "$1/pulumi-language-yaml" 2>/dev/null)" == "$YAML_HOST" ]]
}

# Builds the YAML language host once per version, into a cache dir of its own, and links it into
# the CLI's bin dir $1 (the CLI looks for language hosts on PATH and next to its own executable).
build_yaml() {
  command -v go >/dev/null || die "Go is needed to build pulumi-language-yaml"
  mkdir -p "$CACHE_ROOT"
  exec 8>"$CACHE_ROOT/.lock-yaml"
  if command -v flock >/dev/null; then flock 8; fi
  if [[ ! -x "$YAML_HOST" ]]; then
    local start tmp
    rm -rf "$CACHE_ROOT"/.build-yaml-*  # left by a killed build; safe to drop while holding the lock
    tmp="$(mktemp -d "$CACHE_ROOT/.build-yaml-v$YAML_VERSION.XXXXXX")"
    YAML_BUILD_TMP="$tmp"  # global, for the EXIT trap
    trap 'rm -rf "${YAML_BUILD_TMP:-}"' EXIT
    start=$SECONDS
    log "building pulumi-language-yaml v$YAML_VERSION from Go modules into $YAML_DEST (first time only: ~8 minutes on 2 cores with empty Go caches, ~480 MB of modules)"
    (cd "$tmp" && CGO_ENABLED=0 GOBIN="$tmp/out/bin" go install -buildvcs=false -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
      "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION")
    [[ -x "$tmp/out/bin/pulumi-language-yaml" ]] || die "go install finished without pulumi-language-yaml"
    rm -rf "$YAML_DEST"
    mv -T "$tmp/out" "$YAML_DEST"
    log "built pulumi-language-yaml v$YAML_VERSION in $((SECONDS - start)) s"
  fi
  ln -sfn "$YAML_HOST" "$1/pulumi-language-yaml"
}

RUNTIMES="${2:-all}"
case "$RUNTIMES" in
  all | nodejs) ;;
  *) die "usage: $0 [ensure|bin-dir|version] [all|nodejs]" ;;
esac

# True when the bin dir serves the runtimes asked for.
serves_runtimes() {
  complete_in "$BIN_DIR" && { [[ "$RUNTIMES" == nodejs ]] || yaml_linked_in "$BIN_DIR"; }
}

case "${1:-ensure}" in
  ensure)
    if path_dir; then exit 0; fi
    complete_in "$BIN_DIR" || build
    [[ "$RUNTIMES" == nodejs ]] || yaml_linked_in "$BIN_DIR" || build_yaml "$BIN_DIR"
    echo "$BIN_DIR"
    ;;
  bin-dir)
    if path_dir; then exit 0; fi
    serves_runtimes || die "no Pulumi CLI (runtimes: $RUNTIMES) at $BIN_DIR; run: $0 ensure $RUNTIMES"
    echo "$BIN_DIR"
    ;;
  version) echo "v$VERSION" ;;
  *) die "usage: $0 [ensure|bin-dir|version]" ;;
esac
