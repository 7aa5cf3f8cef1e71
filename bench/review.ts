/**
 * How long `pulumi-image-members review` takes on a 10,000-step preview: the built command
 * (dist/provider/cli.js, as `npx pulumi-image-members review` runs it) in a fresh Node.js
 * process per run, reading the preview from a file. Each state carries the fields a recorded
 * one has (copied from tests/unit/fixtures/pull-request.json, whose recorder leaves out the
 * `stackTrace`) and a `__provider` of 283 characters, the size of the installed package's.
 * Prints the figures; asserts nothing.
 *
 *   npm run bench:review            (builds first)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const steps = 10_000;
const runs = 7;
const cli = path.resolve(__dirname, "../dist/provider/cli.js");

/**
 * A `pulumi preview --json` document of `steps` ImageMember steps over 50 images (every third
 * deletes a member that had accepted, the others create one), in the shape the engine prints,
 * each state with the fields a recorded one has and the installed package's `__provider`.
 */
export function realisticPreview(): string {
  const extra = {
    urn: "urn:pulumi:review::image-members-review-fixtures::pulumi-nodejs:dynamic/images:ImageMembers::many",
    custom: true,
    id: "dcc068bd-9fc2-494b-8c89-be751ac2b87c",
    parent:
      "urn:pulumi:review::image-members-review-fixtures::pulumi:pulumi:Stack::image-members-review-fixtures-review",
    provider:
      "urn:pulumi:review::image-members-review-fixtures::pulumi:providers:pulumi-nodejs::default::b8bba0c9-b9d7-4169-9291-f4677e9ab384",
    created: "2026-12-02T04:30:18.606768983Z",
    modified: "2026-12-02T04:30:20.800682214Z",
    sourcePosition: "project:///../../../provider/resources/imageMembers/resource.ts#38,5",
  };
  const __provider = `require("pulumi-image-members/serialized/imageMember")`.padEnd(283, " ");
  const type = "pulumi-nodejs:dynamic/images:ImageMember";
  const at = "2026-11-30T10:00:00Z";
  const state = (urn: string, type: string, inputs: object, outputs = inputs) => ({
    ...{ type, inputs, outputs, ...extra },
    urn,
  });
  const stackUrn = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
  const stack = () => state(stackUrn, "pulumi:pulumi:Stack", {});
  const list: object[] = [{ op: "same", urn: stackUrn, oldState: stack(), newState: stack() }];
  for (let index = 0; index < steps; index += 1) {
    const imageId = `00000000-0000-4000-8000-${String(index % 50).padStart(12, "0")}`;
    const memberId = `project-${String(index).padStart(5, "0")}-${"x".repeat(20)}`;
    const urn = `urn:pulumi:dev::app::${type}::m-${index}`;
    const inputs = { __provider, imageId, memberId };
    if (index % 3 === 0) {
      const outputs = { ...inputs, status: "accepted", createdAt: at, updatedAt: at };
      const oldState = state(urn, type, inputs, { ...outputs, schema: "/v2/schemas/member" });
      list.push({ op: "delete", urn, oldState });
    } else {
      list.push({ op: "create", urn, newState: state(urn, type, inputs) });
    }
  }
  const changeSummary = {
    same: 1,
    delete: Math.ceil(steps / 3),
    create: steps - Math.ceil(steps / 3),
  };
  const document = { config: {}, steps: list, diagnostics: [], duration: 1234, changeSummary };
  return JSON.stringify(document, null, 4);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeRun(args: string[]): { seconds: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`review exited ${result.status}: ${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-review-"));
  try {
    const file = path.join(dir, "preview.json");
    fs.writeFileSync(file, realisticPreview());
    const bytes = fs.statSync(file).size;
    const reviewTimes: number[] = [];
    const startupTimes: number[] = [];
    let report = "";
    for (let run = 0; run < runs; run += 1) {
      const timed = timeRun([cli, "review", file]);
      reviewTimes.push(timed.seconds);
      report = timed.stdout;
      startupTimes.push(timeRun([cli, "--help"]).seconds);
    }
    const fmt = (seconds: number) => `${seconds.toFixed(3)} s`;
    console.log(
      `review of a ${steps.toLocaleString("en-US")}-step preview (${(bytes / 1e6).toFixed(1)} MB): ` +
        `median ${fmt(median(reviewTimes))} over ${runs} runs ` +
        `(min ${fmt(Math.min(...reviewTimes))}, max ${fmt(Math.max(...reviewTimes))}); ` +
        `the command alone (--help) ${fmt(median(startupTimes))}; ` +
        `report ${report.length.toLocaleString("en-US")} characters; ` +
        `Node.js ${process.version}, ${os.cpus().length} CPUs`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
