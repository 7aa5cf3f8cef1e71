#!/usr/bin/env bash
# Static checks of examples/gitops's pipelines, which no CI here can run: the GitHub Actions
# workflows with actionlint (built once from Go modules into the cache, about 30 s), the shell
# in them and the job scripts with shellcheck (Debian's package), and .gitlab-ci.yml parsed
# with each of its jobs calling its job script; and which jobs hold which credential.
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
# Least privilege: the jobs that run a pull request's own program (and the drift check) hold
# the read-only cloud credential and the read-only state role; the write credential and the
# state database's owner live in the protected environment of the apply job alone.
node -e '
  const fs = require("fs"), yaml = require("js-yaml");
  const [dir, gitlab] = process.argv.slice(1);
  const fail = (m) => { console.error(`lint-pipelines: ${m}`); process.exit(1); };
  const write = /secrets\.OS_APPLICATION_CREDENTIAL_(ID|SECRET)\b/;
  const writeState = /secrets\.PULUMI_BACKEND_URL\b/;
  for (const f of ["pull-request.yml", "drift.yml"]) {
    const text = fs.readFileSync(`${dir}/${f}`, "utf8");
    if (write.test(text)) fail(`${f} reads the write credential (secrets.OS_APPLICATION_CREDENTIAL_*): use secrets.OS_RO_APPLICATION_CREDENTIAL_*`);
    if (!/secrets\.OS_RO_APPLICATION_CREDENTIAL_SECRET\b/.test(text)) fail(`${f} does not use the read-only credential`);
    if (writeState.test(text)) fail(`${f} reads the state database owner (secrets.PULUMI_BACKEND_URL): use secrets.PULUMI_RO_BACKEND_URL`);
    const workflow = yaml.load(text);
    if ((workflow.env || {}).PULUMI_BACKEND_URL !== "${{ secrets.PULUMI_RO_BACKEND_URL }}") fail(`${f}: PULUMI_BACKEND_URL is not the read-only state role (secrets.PULUMI_RO_BACKEND_URL)`);
  }
  const main = yaml.load(fs.readFileSync(`${dir}/main.yml`, "utf8"));
  if (write.test(JSON.stringify(main.env || {}))) fail("main.yml gives the write credential to the whole workflow: give it to the apply job, in its environment");
  if (writeState.test(JSON.stringify(main.env || {}))) fail("main.yml gives the state database owner (PULUMI_BACKEND_URL) to the whole workflow: give it to the apply job, in its environment");
  if (!main.jobs.apply.environment) fail("main.yml: the apply job has no environment (the protected one holding the write credential)");
  if (!writeState.test(JSON.stringify(main.jobs.apply.env || {}))) fail("main.yml: the apply job does not take PULUMI_BACKEND_URL from its environment");
  const ci = yaml.load(fs.readFileSync(gitlab, "utf8"));
  for (const job of ["review", "drift"]) {
    if (ci[job].extends !== ".read-only-credential") fail(`.gitlab-ci.yml job ${job} does not extend .read-only-credential`);
  }
  const readOnly = (ci[".read-only-credential"] || {}).variables || {};
  if (readOnly.OS_APPLICATION_CREDENTIAL_SECRET !== "$OS_RO_APPLICATION_CREDENTIAL_SECRET")
    fail(".gitlab-ci.yml: .read-only-credential does not map the read-only credential");
  if (readOnly.PULUMI_BACKEND_URL !== "$PULUMI_RO_BACKEND_URL")
    fail(".gitlab-ci.yml: .read-only-credential does not map PULUMI_BACKEND_URL to the read-only state role ($PULUMI_RO_BACKEND_URL)");
  if ("PULUMI_BACKEND_URL" in (ci.variables || {})) fail(".gitlab-ci.yml sets PULUMI_BACKEND_URL for every job: keep the owner in the protected environment");
  if (!ci.apply.environment) fail(".gitlab-ci.yml job apply has no environment (the protected one holding the write credential)");
' "$example/.github/workflows" "$example/.gitlab-ci.yml"
# The jobs that only read must not write the state: no up, refresh (but --preview-only),
# destroy, import or stack rm/import in their scripts (the drift check is a preview --refresh).
for script in pull-request drift audit; do
  if grep -nE '\bpulumi +(up|refresh|destroy|import|state|stack +(rm|import))\b' "$example/ci/$script.sh" |
    grep -v -- '--preview-only' | grep -vE '^\s*[0-9]+:\s*#'; then
    say "ci/$script.sh writes the state (above): its job holds the read-only state role"; exit 1
  fi
done
# The audit job: scheduled beside drift (in its workflow, so with its read-only credential),
# running ci/audit.sh; on GitLab, extending .read-only-credential.
node -e '
  const fs = require("fs"), yaml = require("js-yaml");
  const [drift, gitlab] = process.argv.slice(1);
  const fail = (m) => { console.error(`lint-pipelines: ${m}`); process.exit(1); };
  const job = (yaml.load(fs.readFileSync(drift, "utf8")).jobs || {}).audit;
  if (!job) fail("drift.yml has no audit job");
  if (!job.steps.some((s) => String(s.run || "").includes("ci/audit.sh"))) fail("drift.yml: the audit job does not run ci/audit.sh");
  if (job.environment || /OS_APPLICATION_CREDENTIAL_/.test(JSON.stringify(job.env || {}))) fail("drift.yml: the audit job must not get another credential than the read-only one");
  const ci = yaml.load(fs.readFileSync(gitlab, "utf8"));
  if (!ci.audit || !(ci.audit.script || []).some((l) => String(l).includes("ci/audit.sh"))) fail(".gitlab-ci.yml job audit does not run ci/audit.sh");
  if (ci.audit.extends !== ".read-only-credential") fail(".gitlab-ci.yml job audit does not extend .read-only-credential");
' "$example/.github/workflows/drift.yml" "$example/.gitlab-ci.yml"
say "workflows, job scripts and .gitlab-ci.yml: OK"
