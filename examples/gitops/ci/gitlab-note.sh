#!/usr/bin/env bash
# Posts out/review.md on the merge request as one note per stack and program folder, found
# again by a hidden marker and edited in place on every push: two stacks (or the TypeScript and
# the YAML program) in one repository keep two notes, and a merge request never collects a
# note per push. GitHub's workflow gets the same from the sticky comment's `header`.
# Usage: ci/gitlab-note.sh   (curl, jq; GITLAB_API_TOKEN, CI_API_V4_URL, CI_PROJECT_ID,
#        CI_MERGE_REQUEST_IID; PULUMI_STACK and PULUMI_PROGRAM_DIR as the jobs take them)
set -euo pipefail
cd "$(dirname "$0")/.."
report=${OUT_DIR:-out}/review.md
[ -f "$report" ] || { echo "ci: no $report to post" >&2; exit 1; }
marker="<!-- image-access-review stack=${PULUMI_STACK:-production} program=${PULUMI_PROGRAM_DIR:-.} -->"
notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
api() { curl -fsS -H "PRIVATE-TOKEN: $GITLAB_API_TOKEN" -H "Content-Type: application/json" "$@"; }

existing=$(api "$notes?per_page=100&sort=asc" |
  jq -r --arg marker "$marker" '[.[] | select(.body | startswith($marker))][0].id // empty')
body=$(jq -n --arg marker "$marker" --rawfile report "$report" '{body: ($marker + "\n" + $report)}')
if [ -n "$existing" ]; then
  api -X PUT --data "$body" -o /dev/null "$notes/$existing"
else
  api -X POST --data "$body" -o /dev/null "$notes"
fi
