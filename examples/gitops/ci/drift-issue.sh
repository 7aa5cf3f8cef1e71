#!/usr/bin/env bash
# After the drift job: keeps one open issue per stack while the cloud differs from the reviewed
# state (opened on the first failure, a comment with the new report on each later one) and
# closes it once the check passes again. Nobody has to watch the scheduled runs.
# Usage: ci/drift-issue.sh OUTCOME   (success or failure, the drift step's; gh, GH_TOKEN with
#        issues: write; PULUMI_STACK as the jobs take it)
set -euo pipefail
cd "$(dirname "$0")/.."
outcome=${1:?success or failure}
report=${OUT_DIR:-out}/drift.md
stack=${PULUMI_STACK:-production}
label=image-access:drift
title="Image access drift on stack $stack"

gh label create "$label" --description "the cloud differs from the reviewed image access" \
  --color b60205 --force >/dev/null
open_issue=$(gh issue list --label "$label" --state open --search "\"$title\" in:title" \
  --json number,title --jq "map(select(.title == \"$title\"))[0].number // empty")

case "$outcome" in
failure)
  [ -f "$report" ] || printf 'The drift check failed before it could write a report: see the run.\n' >"$report"
  if [ -n "$open_issue" ]; then
    gh issue comment "$open_issue" --body-file "$report" >/dev/null
  else
    gh issue create --title "$title" --label "$label" --body-file "$report" >/dev/null
  fi
  ;;
success)
  if [ -n "$open_issue" ]; then
    gh issue close "$open_issue" --comment "The drift check passes again: the cloud holds the reviewed state." >/dev/null
  fi
  ;;
*) echo "ci: drift-issue.sh: outcome must be success or failure, got '$outcome'" >&2; exit 2 ;;
esac
