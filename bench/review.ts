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
import { manyStepsPreview } from "../tests/support/previewSteps";
import { stats } from "./measure";

const steps = 10_000;
const runs = 7;
const cli = path.resolve(__dirname, "../dist/provider/cli.js");

/** The generated preview with states as large as the engine's (see above). */
function realisticPreview(): string {
  const recorded = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, "../tests/unit/fixtures/pull-request.json"), "utf8"),
  );
  const sample = recorded.steps.find(
    (step: { oldState?: { custom?: boolean } }) => step.oldState?.custom,
  ).oldState;
  const extra = Object.fromEntries(
    Object.entries(sample).filter(([key]) => !["type", "inputs", "outputs"].includes(key)),
  );
  const provider = `require("pulumi-image-members/serialized/imageMember")`.padEnd(283, " ");
  const document = JSON.parse(manyStepsPreview(steps));
  for (const step of document.steps) {
    for (const state of [step.oldState, step.newState]) {
      if (!state) continue;
      Object.assign(state, extra, { urn: step.urn });
      for (const side of [state.inputs, state.outputs]) {
        if (side.__provider) side.__provider = provider;
      }
    }
  }
  return JSON.stringify(document, null, 4);
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
        `median ${fmt(stats(reviewTimes).median)} over ${runs} runs ` +
        `(min ${fmt(Math.min(...reviewTimes))}, max ${fmt(Math.max(...reviewTimes))}); ` +
        `the command alone (--help) ${fmt(stats(startupTimes).median)}; ` +
        `report ${report.length.toLocaleString("en-US")} characters; ` +
        `Node.js ${process.version}, ${os.cpus().length} CPUs`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
