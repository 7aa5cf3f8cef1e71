#!/usr/bin/env bash
# The scheduled audit: every image of the project with visibility "shared", each member and its
# status, and which grants no stack declares (the stack of this repository, plus AUDIT_STACKS:
# more stacks of the same backend, space-separated, "org/project/stack" for another project's);
# members still pending PENDING_DAYS days (default 14) after the grant are listed as never
# accepted (a project name or a mistyped id). Reads only: the read-only credential and a state
# backend login that can read are enough. Report in out/audit.md, every grant in out/audit.json.
# Exit 0: every grant declared; 4: a grant no stack declares; 5: a member never accepted;
# anything else: the audit failed.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

stacks=(--stack "$STACK")
for extra in ${AUDIT_STACKS:-}; do stacks+=(--stack "$extra"); done
status=0
npx --no-install pulumi-image-members audit "${stacks[@]}" --cwd "$PROGRAM" \
  --pending-days "${PENDING_DAYS:-14}" --json "$OUT_DIR/audit.json" >"$OUT_DIR/audit.md" ||
  status=$?
case "$status" in
0) ;;
4) echo "ci: audit: grants no stack declares (see audit.md)" >&2 ;;
5) echo "ci: audit: members never accepted: check their ids (see audit.md)" >&2 ;;
*) echo "ci: audit: the audit failed (exit $status)" >&2 ;;
esac
exit "$status"
