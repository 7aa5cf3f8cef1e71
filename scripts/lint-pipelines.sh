#!/usr/bin/env bash
# Static checks of examples/gitops's pipelines, which no CI here can run: the GitHub Actions
# workflows with actionlint (built once from Go modules into the cache, about 30 s), the shell
# in them and the job scripts with shellcheck (Debian's package), and .gitlab-ci.yml parsed
# with each of its three jobs calling its job script.
set -euo pipefail
cd "$(dirname "$0")/.."
example=examples/gitops
cache=${PIM_CACHE_DIR:-$HOME/.cache/pulumi-image-members}/actionlint-v1.7.7
say() { echo "lint-pipelines: $*" >&2; }

if [ ! -x "$cache/actionlint" ]; then
  say "building actionlint v1.7.7 (once)"
  mkdir -p "$cache"
  GOFLAGS=-mod=mod GOBIN=$cache go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7
fi
if ! command -v shellcheck >/dev/null; then
  say "installing shellcheck"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck >/dev/null; }
fi

"$cache/actionlint" "$example"/.github/workflows/*.yml
shellcheck -x "$example"/ci/*.sh
node -e '
  const yaml = require("js-yaml");
  const ci = yaml.load(require("fs").readFileSync(process.argv[1], "utf8"));
  const want = {
    review: ["ci/pull-request.sh", "ci/gitlab-note.sh", "ci/labels.sh gitlab"],
    apply: ["ci/main.sh"],
    drift: ["ci/drift.sh"],
  };
  for (const [job, scripts] of Object.entries(want)) {
    const lines = (ci[job] && ci[job].script) || [];
    for (const script of scripts) {
      if (!lines.some((l) => String(l).includes(script))) {
        console.error(`lint-pipelines: .gitlab-ci.yml job ${job} does not run ${script}`);
        process.exit(1);
      }
    }
  }
' "$example/.gitlab-ci.yml"
say "workflows, job scripts and .gitlab-ci.yml: OK"
