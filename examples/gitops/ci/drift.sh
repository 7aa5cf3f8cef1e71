#!/usr/bin/env bash
# The scheduled drift check: reads what the cloud holds now and fails when it differs from
# the reviewed state (a member deleted, or its status changed, outside Pulumi, or, the images
# being `exclusive`, a project granted access outside Pulumi; --show-sames
# lets the report see a status changed on a resource the plan leaves alone). The report
# (out/drift.md) says what changed. Exit 0: no drift; non-zero: drift, or the check failed.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

status=0
pulumi preview --cwd "$PROGRAM" --stack "$STACK" --refresh --expect-no-changes --show-sames --json >"$OUT_DIR/drift.json" ||
  status=$?
review "$OUT_DIR/drift.json" >"$OUT_DIR/drift.md" || true
[ "$status" -eq 0 ] || echo "ci: drift: the cloud no longer matches the reviewed state (see drift.md)" >&2
exit "$status"
