#!/usr/bin/env bash
# The main job: applies the plan saved by the pull-request job, and nothing else. If the
# program, the config or the state changed since that review (another merge, a change outside
# Pulumi), `pulumi up --plan` refuses and nothing is applied: run the pull request's job again.
# Usage: ci/main.sh PLAN_FILE
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

plan=${1:-}
if [ -z "$plan" ] || [ ! -f "$plan" ]; then
  fail "no reviewed plan (got '${plan}'): main applies only a plan saved by the pull-request job"
fi
case "$plan" in /*) ;; *) plan=$PWD/$plan ;; esac # pulumi reads it from the program's folder
pulumi up --cwd "$PROGRAM" --stack "$STACK" --plan "$plan" --yes --skip-preview
