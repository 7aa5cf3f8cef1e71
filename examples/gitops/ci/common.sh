# shellcheck shell=bash
# Sourced by the job scripts: the stack, and clear errors for what a pipeline must provide.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STACK=${PULUMI_STACK:-production}
OUT_DIR=${OUT_DIR:-$PWD/out}
mkdir -p "$OUT_DIR"
export PULUMI_SKIP_UPDATE_CHECK=true

fail() { echo "ci: $*" >&2; exit 1; }
command -v pulumi >/dev/null || fail "no pulumi CLI on PATH (the workflow installs it)"
[ -n "${PULUMI_BACKEND_URL:-}" ] ||
  fail "PULUMI_BACKEND_URL is not set: the shared state backend, e.g. postgres://user:password@host:5432/db (a CI secret)"
[ -d node_modules ] || fail "no node_modules: run npm ci first"
pulumi stack select "$STACK" >/dev/null 2>&1 ||
  fail "stack $STACK does not exist in the backend: create it once with 'pulumi stack init $STACK' and commit Pulumi.$STACK.yaml"

review() { npx --no-install pulumi-image-members review "$@"; }
