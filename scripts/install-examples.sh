#!/usr/bin/env bash
# Installs the package into the examples as users install it, and builds it first.
#
# examples/package.json depends on `file:..`; examples/.npmrc makes npm install that as a packed
# copy of the build (install-links), not a symlink, so the examples load, and Pulumi serializes,
# `pulumi-image-members` from examples/node_modules exactly as from a user's node_modules: their
# state holds a require() of the package, not code.
#
# The root Pulumi.yaml (the quickstart, whose program is examples/quickstart/index.ts) has the
# repository root as its project folder, where the engine starts the dynamic provider, and the
# provider resolves the package from there. npm cannot install a package into its own folder,
# so node_modules/pulumi-image-members is made a link to the same installed copy (Node.js
# follows it to examples/node_modules/pulumi-image-members: one copy for program and provider).
#
# Reinstalls only when the build or package.json changed; prints nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build >&2

digest=$( (cat package.json && find dist/provider -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
stamp=examples/node_modules/.pim-build-digest
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$digest" ]]; then
  rm -rf examples/node_modules
  (cd examples && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "$digest" >"$stamp"
  echo "install-examples: installed the current build into examples/node_modules" >&2
fi
[[ -f examples/node_modules/pulumi-image-members/dist/provider/index.js ]] ||
  { echo "install-examples: error: examples/node_modules/pulumi-image-members has no build" >&2; exit 1; }

mkdir -p node_modules
ln -sfn ../examples/node_modules/pulumi-image-members node_modules/pulumi-image-members
