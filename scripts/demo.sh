#!/usr/bin/env bash
# The main job, on a fresh machine: installs and starts everything the quickstart needs (npm
# dependencies, a local Keystone + Glance, the Pulumi CLI), then shares an image with two
# projects through `pulumi up` and shows what a one-line change would do, as a pull request's
# `pulumi preview --diff` and this package's review report (`pulumi-image-members review`)
# would. Safe to run again: it reuses the stack and the image. Ends with a table of where its
# time went.
#
# The quickstart is a TypeScript program, so only the CLI and its Node.js language host are
# built (the YAML host is built by the test command, where YAML programs run). That build is
# the longest step on a bare machine and needs nothing from the others, so it runs in the
# background from the first second while npm, Node.js and the local cloud are set up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Where the time went: one row per step, printed at the end (and on failure).
timing_rows=()
demo_started=$SECONDS
timed() { # timed LABEL COMMAND...: run, record the seconds it took
  local label=$1 started=$SECONDS
  shift
  "$@"
  timing_rows+=("$label|$((SECONDS - started))")
}
print_timing() {
  local row
  printf '\nWhere the time went (wall clock, seconds):\n'
  for row in "${timing_rows[@]}"; do printf '  %-58s %5s\n' "${row%%|*}" "${row#*|}"; done
  printf '  %-58s %5s\n' "total" "$((SECONDS - demo_started))"
}
cli_log=$(mktemp)
cleanup() {
  local rc=$?
  [ -z "${cli_pid:-}" ] || kill "$cli_pid" 2>/dev/null || true
  rm -f "$cli_log" "$cli_log.seconds" "${cli_out:-}" "${changed:-}" "${changed:+$changed.json}"
  [ "$rc" = 0 ] || print_timing
}
trap cleanup EXIT

step "Pulumi CLI and its Node.js language host: building in the background (first time: a few minutes from Go modules; then cached)"
cli_out=$(mktemp)
cli_started=$SECONDS
(bash scripts/pulumi-cli.sh ensure nodejs >"$cli_out" 2>"$cli_log"; echo "$((SECONDS - cli_started))" >>"$cli_log.seconds") &
cli_pid=$!

step "npm dependencies (first time about 20 s)"
npm_deps() { [ -d node_modules ] || npm ci --no-audit --no-fund; }
timed "npm dependencies" npm_deps

step "Node.js 24 from the npm registry (first time about 15 s; then cached)"
node_24() { node24_dir=$(bash scripts/node.sh ensure 24); }
timed "Node.js 24" node_24
PATH="$node24_dir:$PATH"
export PATH
node --version

step "build, and the quickstart's pulumi-image-members installed as users install it (examples/)"
timed "build and install into examples/" bash scripts/install-examples.sh

step "local OpenStack: PostgreSQL, Keystone, Glance on 127.0.0.1 (first time: apt installs, a few minutes)"
timed "local Keystone + Glance" bash scripts/local-cloud.sh up

step "Pulumi CLI: waiting for the background build"
wait_cli() {
  if ! wait "$cli_pid"; then
    cli_pid=
    cat "$cli_log" >&2
    echo "demo: the Pulumi CLI build failed (its output is above)" >&2
    return 1
  fi
  cli_pid=
  bin_dir=$(cat "$cli_out")
}
timed "waiting for the Pulumi CLI build (after the steps above)" wait_cli
timing_rows+=("  (the CLI build itself, in the background)|$(cat "$cli_log.seconds")")
rm -f "$cli_log.seconds"
export PATH="$bin_dir:$PATH"
pulumi version
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
timed "pulumi up: share the image with two projects" pulumi up --yes --skip-preview
timing_rows+=("  (from the start to the first pulumi up done)|$((SECONDS - demo_started))")
echo
echo "Members in state (status as Glance reports it):"
pulumi stack output shared --json
echo
echo "Members as Glance lists them:"
openstack image member list "$image_id"

step "a pull request changes one line: consumer2 is replaced by the admin project"
changed=$(mktemp --suffix=.yaml)
sed "s/$consumer2/$admin/" Pulumi.demo.yaml >"$changed"
echo "--- Pulumi.demo.yaml"
echo "+++ Pulumi.demo.yaml (pull request)"
diff Pulumi.demo.yaml "$changed" | sed -n 's/^</-/p; s/^>/+/p' || true
echo
timed "pulumi preview --diff of the pull request" pulumi preview --diff --config-file "$changed"

step "the same pull request as its reviewer reads it: who gains and who loses access"
review() {
  pulumi preview --json --config-file "$changed" >"$changed.json"
  node dist/provider/cli.js review "$changed.json"
}
timed "preview --json and the review report" review

step "done"
print_timing
echo
echo "The stack stays deployed; run 'bash scripts/demo.sh' again (nothing changes), or remove it with:"
echo "  PATH=$bin_dir:\$PATH PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE \\"
echo "  bash -c '. \"\$(scripts/local-cloud.sh env owner)\" && pulumi destroy --yes --stack demo'"
