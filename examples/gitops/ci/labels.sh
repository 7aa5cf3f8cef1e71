#!/usr/bin/env bash
# Labels the pull request from the review's summary (out/summary.json): image-access:grant when
# it gives a project access (a gain, or the new side of a swap), image-access:revoke when it
# takes access away; each label removed again when a new push no longer does so. For routing
# (who must review) and for searching the history of access changes.
# Usage: ci/labels.sh github PR_NUMBER   (gh, GH_TOKEN with pull-requests and issues: write)
#        ci/labels.sh gitlab MR_IID      (curl, GITLAB_API_TOKEN; CI_API_V4_URL, CI_PROJECT_ID)
set -euo pipefail
cd "$(dirname "$0")/.."
forge=${1:?github or gitlab}
number=${2:?the pull (merge) request number}
summary=${OUT_DIR:-out}/summary.json
if [ ! -f "$summary" ]; then
  echo "ci: no $summary (the preview failed before the review): labels left as they are" >&2
  exit 0
fi
# "grant revoke", each 0 or 1.
read -r grant revoke < <(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log((s.gains + s.swaps > 0 ? 1 : 0) + " " + (s.losses + s.swaps > 0 ? 1 : 0));
' "$summary")

case "$forge" in
github)
  set_label() { # name wanted description
    gh label create "$1" --description "$3" --color d93f0b --force >/dev/null
    if [ "$2" -eq 1 ]; then
      gh pr edit "$number" --add-label "$1" >/dev/null
    else
      gh pr edit "$number" --remove-label "$1" >/dev/null 2>&1 || true # absent already
    fi
  }
  set_label image-access:grant "$grant" "gives a project access to an image"
  set_label image-access:revoke "$revoke" "takes a project's access to an image away"
  ;;
gitlab)
  add=() remove=()
  if [ "$grant" -eq 1 ]; then add+=(image-access:grant); else remove+=(image-access:grant); fi
  if [ "$revoke" -eq 1 ]; then add+=(image-access:revoke); else remove+=(image-access:revoke); fi
  # GitLab creates a label the first time it is added.
  curl -fsS -X PUT -H "PRIVATE-TOKEN: $GITLAB_API_TOKEN" -o /dev/null \
    --data-urlencode "add_labels=$(IFS=,; echo "${add[*]}")" \
    --data-urlencode "remove_labels=$(IFS=,; echo "${remove[*]}")" \
    "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$number"
  ;;
*) echo "ci: labels.sh: unknown forge '$forge' (github or gitlab)" >&2; exit 2 ;;
esac
