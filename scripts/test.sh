#!/usr/bin/env bash
# The project's test command: sets up everything the tests need on a fresh machine (npm
# dependencies, Node.js 22 and 24, the local Keystone + Glance, the Pulumi CLI), then runs the
# suites: unit on Node.js 22 and 24, everything else on 24 (see scripts/node.sh). OpenTofu with
# terraform-provider-openstack (the benchmark's peer, the Terraform handover test) is built from
# Go modules like the Pulumi CLI (scripts/tofu.sh).
# Each step says how long it takes the first time; later runs reuse what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's header also says how long the previous one took.
step_started=
step() {
  [ -z "$step_started" ] || printf '(%d s)\n' "$((SECONDS - step_started))"
  printf '\n== %s\n' "$*"
  step_started=$SECONDS
}
trap '[ -z "$step_started" ] || printf "(%d s)\n" "$((SECONDS - step_started))"' EXIT

if [ ! -d node_modules ]; then
  step "npm dependencies (first time about 30 s)"
  npm ci --no-audit --no-fund
fi

step "Node.js 22 and 24, the supported lines, from the npm registry (first time about 20 s; then cached)"
node22=$(bash scripts/node.sh ensure 22)
node24=$(bash scripts/node.sh ensure 24)

step "unit tests on Node.js 22: fake in-process Keystone + Glance, serialization, the real dynamic-provider server"
PATH="$node22:$PATH" node --version
PATH="$node22:$PATH" npm test

step "unit tests on Node.js 24"
PATH="$node24:$PATH" node --version
PATH="$node24:$PATH" npx jest --selectProjects unit

# Everything from here on, Pulumi programs and their dynamic providers included, runs on 24.
export PATH="$node24:$PATH"

step "local Keystone + Glance (first time: apt installs, about 70 s; then about 1 s)"
bash scripts/local-cloud.sh up

step "acceptance tests against the real Keystone + Glance"
npx jest --selectProjects acceptance

step "Pulumi CLI and its language hosts (first time: built from Go modules, about 5.5 minutes; then cached)"
bash scripts/pulumi-cli.sh ensure >/dev/null

step "OpenTofu and terraform-provider-openstack, for the benchmark's tofu contender and the Terraform handover test (first time: built from Go modules, about 3.5 minutes after the CLI; then cached)"
bash scripts/tofu.sh ensure >/dev/null

step "cold setup: every setup script against a cache root that does not exist yet (Go and npm caches warm; about 100 s)"
bash tests/setup/cold-setup.sh

step "benchmark smoke: N=10, this provider, its plugin, the direct-API floor and OpenTofu (about 1 minute; the harness must not rot)"
npm run --silent bench:smoke

step "end-to-end tests under the real Pulumi engine"
npx jest --selectProjects e2e --runInBand

step "fault injection and crash consistency under the real engine (about 5 minutes)"
npx jest --selectProjects faults --runInBand

step "the package as users install it: npm pack of a clean copy, npm install with the oldest and newest @pulumi/pulumi, CommonJS, ESM and strict TypeScript programs under the engine (about 2.5 minutes)"
npx jest --selectProjects package --runInBand
