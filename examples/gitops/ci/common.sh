# shellcheck shell=bash
# Sourced by the job scripts: the stack, the program, and clear errors for what a pipeline must
# provide. The jobs run in the repository's root (allowed-projects.txt, node_modules, out/);
# the program is the folder PULUMI_PROGRAM_DIR names, relative to it: the root (index.ts, the
# default) or yaml/ (the YAML variant).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STACK=${PULUMI_STACK:-production}
PROGRAM=${PULUMI_PROGRAM_DIR:-.}
OUT_DIR=${OUT_DIR:-$PWD/out}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd) # absolute: pulumi runs in the program's folder
export PULUMI_SKIP_UPDATE_CHECK=true

fail() { echo "ci: $*" >&2; exit 1; }
command -v pulumi >/dev/null || fail "no pulumi CLI on PATH (the workflow installs it)"
[ -n "${PULUMI_BACKEND_URL:-}" ] ||
  fail "PULUMI_BACKEND_URL is not set: the shared state backend, e.g. postgres://user:password@host:5432/db (a CI secret)"
[ -d node_modules ] || fail "no node_modules: run npm ci first"
[ -f "$PROGRAM/Pulumi.yaml" ] || fail "no Pulumi.yaml in '$PROGRAM' (PULUMI_PROGRAM_DIR: the program's folder in the repository)"
pulumi stack select --cwd "$PROGRAM" "$STACK" >/dev/null 2>&1 ||
  fail "stack $STACK does not exist in the backend: create it once with 'pulumi stack init $STACK' in '$PROGRAM' and commit its Pulumi.$STACK.yaml"

review() { npx --no-install pulumi-image-members review "$@"; }
