#!/usr/bin/env bash
# The pull-request job: previews the change, writes the review report (out/review.md, for the
# pull request's comment), its summary for automation (out/summary.json: counts, offenders)
# and the plan main will apply (out/plan.json).
# Exit 0: reviewable. Exit 3: the change grants access to a project not in
# allowed-projects.txt (the report names it). Anything else: the preview itself failed, the
# provider's errors in the report: among them a grant the provider refused because the project
# is not in that same file (it refuses before anything is sent).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

same_allowed_list
# --show-sames lists the unchanged resources too, so the review can tell a pull request that
# leaves sharing alone ("No access changes", exit 0) from the preview of another program (exit 2).
status=0
pulumi preview --cwd "$PROGRAM" --stack "$STACK" --json --show-sames --save-plan "$OUT_DIR/plan.json" >"$OUT_DIR/preview.json" ||
  status=$?
if [ "$status" -ne 0 ]; then
  {
    printf '## Image access review\n\n**The preview failed: nothing from this change can be applied.** '
    printf 'The errors (a project not in %s is refused by the provider itself):\n\n' "$ALLOWED"
    preview_errors "$OUT_DIR/preview.json" | sed 's/^/- /'
  } >"$OUT_DIR/review.md"
  cat "$OUT_DIR/review.md" >&2
  exit "$status"
fi
review "$OUT_DIR/preview.json" --allowed-projects "$ALLOWED" --json "$OUT_DIR/summary.json" >"$OUT_DIR/review.md"
