#!/usr/bin/env bash
# The project's test command: sets up what the tests need on a fresh machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund

echo "== unit tests (fake in-process Keystone + Glance, the real dynamic-provider server)"
npm test
