#!/usr/bin/env bash
# The pull-request job: previews the change, writes the review report (out/review.md, for the
# pull request's comment) and the plan main will apply (out/plan.json).
# Exit 0: reviewable. Exit 3: the change grants access to a project not in
# allowed-projects.txt (the report names it). Anything else: the preview itself failed.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

# --show-sames lists the unchanged resources too, so the review can tell a pull request that
# leaves sharing alone ("No access changes", exit 0) from the preview of another program (exit 2).
pulumi preview --cwd "$PROGRAM" --stack "$STACK" --json --show-sames --save-plan "$OUT_DIR/plan.json" >"$OUT_DIR/preview.json"
review "$OUT_DIR/preview.json" --allowed-projects allowed-projects.txt >"$OUT_DIR/review.md"
