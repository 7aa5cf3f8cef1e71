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

# The one list of projects that may be granted access: the gate reads it, and so does the
# provider (imagemembers:allowedProjectsFile, relative to the program's folder).
ALLOWED=allowed-projects.txt

# Fails unless the stack points the provider at $ALLOWED, so gate and provider read one file.
same_allowed_list() {
  local configured
  configured=$(pulumi config get --cwd "$PROGRAM" --stack "$STACK" imagemembers:allowedProjectsFile 2>/dev/null) ||
    fail "the stack does not set imagemembers:allowedProjectsFile: set it (in $PROGRAM/Pulumi.yaml) to $ALLOWED, relative to '$PROGRAM'"
  [ "$(cd "$PROGRAM" && realpath -m "$configured")" = "$(realpath -m "$ALLOWED")" ] ||
    fail "imagemembers:allowedProjectsFile is '$configured' (relative to '$PROGRAM'), not this repository's $ALLOWED: the provider and the gate would read different lists"
}

# The error messages of a `pulumi preview --json` file, one per line.
preview_errors() {
  node -e '
    const fs = require("fs");
    let preview;
    try { preview = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { process.exit(0); }
    for (const d of preview.diagnostics || [])
      if (d.severity === "error") console.log(d.message.trim().replace(/\s*\n\s*/g, " "));
  ' "$1"
}
