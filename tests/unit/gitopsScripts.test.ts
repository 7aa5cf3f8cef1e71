/**
 * The GitOps example's forge scripts, run as the workflows run them, against stand-ins for what
 * no test here can reach: GitLab's merge-request API (an HTTP server answering as its notes and
 * merge-request endpoints do) and GitHub's `gh` CLI (a script on PATH recording its arguments).
 * - ci/gitlab-note.sh: one note per stack and program folder, found again by its hidden marker
 *   and edited in place;
 * - ci/labels.sh: image-access:grant / image-access:revoke from the review's summary;
 * - ci/drift-issue.sh: one issue opened (then commented) while drifting, closed when clean.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";

const ci = path.join(projectRoot, "examples/gitops/ci");
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-gitops-scripts-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      "bash",
      [path.join(ci, script), ...args],
      { env: { PATH: process.env.PATH, HOME: dir, OUT_DIR: dir, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

function summary(counts: { gains: number; losses: number; swaps: number }) {
  fs.writeFileSync(
    path.join(dir, "summary.json"),
    JSON.stringify({ ...counts, acceptanceChanges: 0, driftChanges: 0, opaque: 0, images: 1 }),
  );
}

describe("GitLab: the review note and the labels", () => {
  const notes: { id: number; body: string }[] = [];
  const labelCalls: Record<string, string>[] = [];
  let server: http.Server;
  let api = "";

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.headers["private-token"] !== "t0ken") {
          res.writeHead(401).end();
          return;
        }
        const url = new URL(req.url ?? "", "http://x");
        const notePath = "/api/v4/projects/42/merge_requests/7/notes";
        if (req.method === "GET" && url.pathname === notePath) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(notes));
        } else if (req.method === "POST" && url.pathname === notePath) {
          notes.push({ id: 100 + notes.length, body: JSON.parse(body).body });
          res.writeHead(201).end("{}");
        } else if (req.method === "PUT" && url.pathname.startsWith(`${notePath}/`)) {
          const note = notes.find((n) => `${notePath}/${n.id}` === url.pathname);
          if (!note) return void res.writeHead(404).end();
          note.body = JSON.parse(body).body;
          res.writeHead(200).end("{}");
        } else if (
          req.method === "PUT" &&
          url.pathname === "/api/v4/projects/42/merge_requests/7"
        ) {
          labelCalls.push(Object.fromEntries(new URLSearchParams(body)));
          res.writeHead(200).end("{}");
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const gitlab = (extra: Record<string, string> = {}) => ({
    GITLAB_API_TOKEN: "t0ken",
    CI_API_V4_URL: api,
    CI_PROJECT_ID: "42",
    CI_MERGE_REQUEST_IID: "7",
    ...extra,
  });

  test("one note per stack and program folder, edited in place on the next push", async () => {
    fs.writeFileSync(path.join(dir, "review.md"), "## Image access review\n\nfirst push\n");
    expect((await run("gitlab-note.sh", [], gitlab({ PULUMI_STACK: "production" }))).code).toBe(0);
    fs.writeFileSync(path.join(dir, "review.md"), "## Image access review\n\nsecond push\n");
    expect((await run("gitlab-note.sh", [], gitlab({ PULUMI_STACK: "production" }))).code).toBe(0);
    expect(
      (
        await run(
          "gitlab-note.sh",
          [],
          gitlab({ PULUMI_STACK: "production", PULUMI_PROGRAM_DIR: "yaml" }),
        )
      ).code,
    ).toBe(0);
    expect(notes.map((n) => n.body)).toEqual([
      "<!-- image-access-review stack=production program=. -->\n## Image access review\n\nsecond push\n",
      "<!-- image-access-review stack=production program=yaml -->\n## Image access review\n\nsecond push\n",
    ]);
  });

  test("labels: grant for a gain or a swap, revoke for a loss or a swap; the other removed", async () => {
    summary({ gains: 1, losses: 0, swaps: 0 });
    expect((await run("labels.sh", ["gitlab", "7"], gitlab())).code).toBe(0);
    summary({ gains: 0, losses: 0, swaps: 1 });
    expect((await run("labels.sh", ["gitlab", "7"], gitlab())).code).toBe(0);
    expect(labelCalls).toEqual([
      { add_labels: "image-access:grant", remove_labels: "image-access:revoke" },
      { add_labels: "image-access:grant,image-access:revoke", remove_labels: "" },
    ]);
  });
});

describe("GitHub: labels and the drift issue through gh", () => {
  const log = () => path.join(dir, "gh.log");
  const calls = () =>
    fs.existsSync(log())
      ? fs
          .readFileSync(log(), "utf8")
          .trim()
          .split("\n")
          .filter((line) => !line.startsWith("label create"))
      : [];

  /** A `gh` answering `issue list` with `openIssue` (empty: none open), logging every call. */
  function fakeGh(openIssue: string): Record<string, string> {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "gh"),
      `#!/usr/bin/env bash\necho "$*" >>"${log()}"\n` +
        `if [ "$1 $2" = "issue list" ]; then echo "${openIssue}"; fi\n`,
      { mode: 0o755 },
    );
    fs.rmSync(log(), { force: true });
    return { PATH: `${bin}:${process.env.PATH}`, GH_TOKEN: "t0ken", PULUMI_STACK: "production" };
  }

  test("labels.sh github: adds the label that applies, removes the other", async () => {
    summary({ gains: 0, losses: 2, swaps: 0 });
    expect((await run("labels.sh", ["github", "12"], fakeGh(""))).code).toBe(0);
    expect(calls()).toEqual([
      "pr edit 12 --remove-label image-access:grant",
      "pr edit 12 --add-label image-access:revoke",
    ]);
  });

  test("drift-issue.sh: opens one issue, comments on it while drifting, closes it when clean", async () => {
    fs.writeFileSync(path.join(dir, "drift.md"), "## drift\n");
    expect((await run("drift-issue.sh", ["failure"], fakeGh(""))).code).toBe(0);
    expect(calls().slice(1)).toEqual([
      `issue create --title Image access drift on stack production --label image-access:drift --body-file ${dir}/drift.md`,
    ]);
    expect((await run("drift-issue.sh", ["failure"], fakeGh("5"))).code).toBe(0);
    expect(calls().slice(1)).toEqual([`issue comment 5 --body-file ${dir}/drift.md`]);
    expect((await run("drift-issue.sh", ["success"], fakeGh("5"))).code).toBe(0);
    expect(calls().slice(1)).toEqual([
      "issue close 5 --comment The drift check passes again: the cloud holds the reviewed state.",
    ]);
    expect((await run("drift-issue.sh", ["success"], fakeGh(""))).code).toBe(0);
    expect(calls().slice(1)).toEqual([]);
  });
});
