#!/usr/bin/env bash
# The main job, on a fresh machine: installs and starts everything the quickstart needs (npm
# dependencies, a local Keystone + Glance, the Pulumi CLI), then shares an image with two
# projects through `pulumi up` and shows what a one-line change would do, as a pull request's
# `pulumi preview --diff` and this package's review report (`pulumi-image-members review`)
# would. Safe to run again: it reuses the stack and the image.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "npm dependencies and build (first time about a minute)"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build

step "Node.js 24 from the npm registry (first time about 15 s; then cached)"
PATH="$(bash scripts/node.sh ensure 24):$PATH"
export PATH
node --version

step "the quickstart's pulumi-image-members: the build, installed as users install it (examples/)"
bash scripts/install-examples.sh

step "local OpenStack: PostgreSQL, Keystone, Glance on 127.0.0.1 (first time: apt installs, a few minutes)"
bash scripts/local-cloud.sh up

step "Pulumi CLI (first time: built from Go modules, about 4 minutes; then cached)"
bin_dir=$(bash scripts/pulumi-cli.sh ensure)
export PATH="$bin_dir:$PATH"
export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-demo-passphrase}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p .pulumi-state

# The owner project's credentials, as OS_* variables (the provider also reads stack config
# and clouds.yaml; see docs/configuration.md).
# shellcheck disable=SC1090
. "$(bash scripts/local-cloud.sh env owner)"
consumer1=$(sed -n 's/^export OS_PROJECT_ID=//p' "$(bash scripts/local-cloud.sh env consumer1)")
consumer2=$(sed -n 's/^export OS_PROJECT_ID=//p' "$(bash scripts/local-cloud.sh env consumer2)")
admin=$(sed -n 's/^export OS_PROJECT_ID=//p' "$(bash scripts/local-cloud.sh env admin)")

step "stack 'demo' and an image owned by the 'owner' project"
pulumi stack select demo 2>/dev/null || pulumi stack init demo
image_id=$(pulumi config get imageId 2>/dev/null || true)
if [ -z "$image_id" ] || ! openstack image show "$image_id" -f value -c id >/dev/null 2>&1; then
  image_id=$(openstack image create --disk-format raw --container-format bare --shared \
    -f value -c id "pulumi-image-members-demo")
  echo "created image $image_id"
else
  echo "reusing image $image_id"
fi
pulumi config set imageId "$image_id"
pulumi config set members "{\"consumer1\": \"$consumer1\", \"consumer2\": \"$consumer2\"}"

step "pulumi up: share image $image_id with consumer1 and consumer2"
pulumi up --yes --skip-preview
echo
echo "Members in state (status as Glance reports it):"
pulumi stack output shared --json
echo
echo "Members as Glance lists them:"
openstack image member list "$image_id"

step "a pull request changes one line: consumer2 is replaced by the admin project"
changed=$(mktemp --suffix=.yaml)
trap 'rm -f "$changed"' EXIT
sed "s/$consumer2/$admin/" Pulumi.demo.yaml >"$changed"
echo "--- Pulumi.demo.yaml"
echo "+++ Pulumi.demo.yaml (pull request)"
diff Pulumi.demo.yaml "$changed" | sed -n 's/^</-/p; s/^>/+/p' || true
echo
pulumi preview --diff --config-file "$changed"

step "the same pull request as its reviewer reads it: who gains and who loses access"
pulumi preview --json --config-file "$changed" >"$changed.json"
node dist/provider/cli.js review "$changed.json"
rm -f "$changed.json"

step "done"
echo "The stack stays deployed; run 'bash scripts/demo.sh' again (nothing changes), or remove it with:"
echo "  PATH=$bin_dir:\$PATH PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE \\"
echo "  bash -c '. \"\$(scripts/local-cloud.sh env owner)\" && pulumi destroy --yes --stack demo'"
