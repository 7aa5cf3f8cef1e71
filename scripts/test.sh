#!/usr/bin/env bash
# The project's test command: sets up everything the tests need on a fresh machine (npm
# dependencies, the local Keystone + Glance, the Pulumi CLI), then runs the three suites.
# Each step says how long it takes the first time; later runs reuse what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if [ ! -d node_modules ]; then
  step "npm dependencies (first time about 30 s)"
  npm ci --no-audit --no-fund
fi

step "unit tests: fake in-process Keystone + Glance, serialization, the real dynamic-provider server"
npm test

step "local Keystone + Glance (first time: apt installs, about 70 s; then about 1 s)"
bash scripts/local-cloud.sh up

step "acceptance tests against the real Keystone + Glance"
npx jest --selectProjects acceptance

step "Pulumi CLI (first time: built from Go modules, about 4 minutes; then cached)"
bash scripts/pulumi-cli.sh ensure >/dev/null

step "benchmark smoke: N=10, this provider and the direct-API floor (about 15 s; the harness must not rot)"
npm run --silent bench:smoke

step "end-to-end tests under the real Pulumi engine"
npx jest --selectProjects e2e --runInBand

step "fault injection and crash consistency under the real engine (about 4 minutes)"
npx jest --selectProjects faults --runInBand
