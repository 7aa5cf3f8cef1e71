#!/usr/bin/env bash
# Provides OpenTofu and terraform-provider-openstack, the tool most teams use today to share
# OpenStack images as code, for the benchmark's `tofu` contender and the Terraform handover test.
#
# Both are compiled once from Go modules (the Go module proxy serves them; no registry of
# Terraform providers is needed) and cached, keyed by version:
#   $PIM_CACHE_DIR/tofu-v<version>/bin/tofu
#   $PIM_CACHE_DIR/terraform-provider-openstack-v<version>/bin/terraform-provider-openstack
#   $PIM_CACHE_DIR/tofu-v<version>-openstack-v<version>/bin/{tofu,terraform-provider-openstack}
#       (links to the two above) and tofu.tfrc beside bin/: the CLI configuration whose
#       dev_overrides point OpenTofu at the provider binary, so that `tofu plan` and `apply` run
#       without `tofu init` and without any network. Use it as TF_CLI_CONFIG_FILE.
#
# Usage: scripts/tofu.sh [ensure|bin-dir|cli-config|version]
#   ensure      (default) build if missing, then print the bin dir (the only line on stdout)
#   bin-dir     print the bin dir, never build (exit 1 if there is none)
#   cli-config  print the path of the CLI configuration file, never build (exit 1 if there is none)
#   version     print the two versions this script builds
#
# Env: TOFU_VERSION (default 1.10.6), TF_OPENSTACK_VERSION (default 3.4.0),
#   PIM_CACHE_DIR (default ~/.cache/pulumi-image-members).
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-1.10.6}"
TOFU_VERSION="${TOFU_VERSION#v}"
OS_VERSION="${TF_OPENSTACK_VERSION:-3.4.0}"
OS_VERSION="${OS_VERSION#v}"
CACHE_ROOT="${PIM_CACHE_DIR:-$HOME/.cache/pulumi-image-members}"
TOFU_DEST="$CACHE_ROOT/tofu-v$TOFU_VERSION"
OS_DEST="$CACHE_ROOT/terraform-provider-openstack-v$OS_VERSION"
PAIR_DEST="$CACHE_ROOT/tofu-v$TOFU_VERSION-openstack-v$OS_VERSION"
BIN_DIR="$PAIR_DEST/bin"
CLI_CONFIG="$PAIR_DEST/tofu.tfrc"
OS_MODULE="github.com/terraform-provider-openstack/terraform-provider-openstack/v3"

log() { echo "tofu.sh: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# True when the pair folder is complete: both links resolve to executables and the CLI
# configuration names this bin dir.
complete() {
  [[ -x "$BIN_DIR/tofu" && -x "$BIN_DIR/terraform-provider-openstack" && -f "$CLI_CONFIG" ]] &&
    grep -qF "\"$BIN_DIR\"" "$CLI_CONFIG"
}

# Makes a folder for one build inside the run's temp folder (beside the cache, on the same file
# system, so the final rename is atomic); the EXIT trap removes whatever did not get renamed.
new_tmp() {
  mkdir -p "$BUILD_TMP/$1"
  echo "$BUILD_TMP/$1"
}

# OpenTofu's go.mod has replace directives, so `go install module@version` refuses it; the module
# proxy still serves the module, and a writable copy of its folder builds like a checkout.
build_tofu() {
  [[ -x "$TOFU_DEST/bin/tofu" ]] && return 0
  local src tmp start=$SECONDS
  log "building OpenTofu v$TOFU_VERSION from its Go module into $TOFU_DEST (first time only: 7 to 11 minutes on 2 busy cores)"
  src="$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$src" && -d "$src" ]] || die "could not download github.com/opentofu/opentofu@v$TOFU_VERSION"
  tmp="$(new_tmp tofu)"
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  # version.dev=no, as OpenTofu's releases are linked: `tofu version` (and every state it
  # writes) says 1.10.6, not 1.10.6-dev.
  (cd "$tmp/src" && CGO_ENABLED=0 go build -buildvcs=false -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$tmp/out/bin/tofu" ./cmd/tofu)
  [[ -x "$tmp/out/bin/tofu" ]] || die "go build finished without tofu"
  rm -rf "$TOFU_DEST"
  mv -T "$tmp/out" "$TOFU_DEST"
  log "built OpenTofu v$TOFU_VERSION in $((SECONDS - start)) s"
}

build_provider() {
  [[ -x "$OS_DEST/bin/terraform-provider-openstack" ]] && return 0
  local tmp start=$SECONDS
  log "building terraform-provider-openstack v$OS_VERSION into $OS_DEST (first time only: about 3 minutes on 2 busy cores)"
  tmp="$(new_tmp openstack)"
  (cd "$tmp" && CGO_ENABLED=0 GOBIN="$tmp/out/bin" go install -buildvcs=false -trimpath -ldflags "-s -w" \
    "$OS_MODULE@v$OS_VERSION")
  [[ -x "$tmp/out/bin/terraform-provider-openstack" ]] || die "go install finished without terraform-provider-openstack"
  rm -rf "$OS_DEST"
  mv -T "$tmp/out" "$OS_DEST"
  log "built terraform-provider-openstack v$OS_VERSION in $((SECONDS - start)) s"
}

# The pair folder: one bin dir for PATH, and the CLI configuration that names it.
assemble() {
  local tmp
  tmp="$(new_tmp pair)"
  mkdir -p "$tmp/out/bin"
  ln -s "$TOFU_DEST/bin/tofu" "$tmp/out/bin/tofu"
  ln -s "$OS_DEST/bin/terraform-provider-openstack" "$tmp/out/bin/terraform-provider-openstack"
  # dev_overrides: OpenTofu takes the provider from this folder instead of a registry; `direct {}`
  # keeps every other provider on the usual installation path.
  cat >"$tmp/out/tofu.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "terraform-provider-openstack/openstack" = "$BIN_DIR"
  }
  direct {}
}
EOF
  rm -rf "$PAIR_DEST"
  mv -T "$tmp/out" "$PAIR_DEST"
}

ensure() {
  command -v go >/dev/null || die "Go is needed to build OpenTofu and terraform-provider-openstack"
  mkdir -p "$CACHE_ROOT"
  # Serialize concurrent runs (e.g. the benchmark and a test); the second finds the cache filled.
  exec 9>"$CACHE_ROOT/.lock-tofu"
  if command -v flock >/dev/null; then flock 9; fi
  complete && return 0
  # Left by a killed build; safe to drop while holding the lock. (Not named .build-*: pulumi-cli.sh
  # clears those under its own lock.)
  rm -rf "$CACHE_ROOT"/.tofu-build.*
  BUILD_TMP="$(mktemp -d "$CACHE_ROOT/.tofu-build.XXXXXX")" # global, for the EXIT trap
  trap 'rm -rf "${BUILD_TMP:-}"' EXIT
  build_tofu
  build_provider
  assemble
  complete || die "the build finished but $PAIR_DEST is not complete"
}

case "${1:-ensure}" in
  ensure)
    complete || ensure
    echo "$BIN_DIR"
    ;;
  bin-dir)
    complete || die "no OpenTofu with terraform-provider-openstack at $BIN_DIR; run: bash scripts/tofu.sh ensure"
    echo "$BIN_DIR"
    ;;
  cli-config)
    complete || die "no OpenTofu CLI configuration at $CLI_CONFIG; run: bash scripts/tofu.sh ensure"
    echo "$CLI_CONFIG"
    ;;
  version) echo "tofu v$TOFU_VERSION, terraform-provider-openstack v$OS_VERSION" ;;
  *) die "usage: $0 [ensure|bin-dir|cli-config|version]" ;;
esac
