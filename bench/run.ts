/**
 * The benchmark of issue 7: how long sharing images with many projects takes, how many
 * requests it costs and how much state it leaves, beside what a user would do instead, in one
 * run on the same local cloud (scripts/local-cloud.sh). Its options and how each contender is
 * measured: docs/benchmarks/method.md. Every sample goes to the results file (--raw); the
 * report (bench/report.ts) goes to docs/benchmarks/. --smoke exits non-zero only when the
 * harness is broken, never on timing: CI runs it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { extraGlance, loadCloudFile } from "../tests/support/realCloud";
import { Cloud } from "./cloud";
import { makeContenders } from "./contenders";
import { pulumiBinDir } from "../tests/support/pulumiEngine";
import { EngineContender } from "./engine";
import {
  Contender,
  ContenderName,
  OpName,
  OpSample,
  ScenarioResult,
  allContenders,
  engineParallelism,
  log,
  ops,
  round,
  stats,
} from "./measure";
import { Machine, Report, finishReport, readResults, smokeLine, writeReport } from "./report";

/** Glance's default image_member_quota: above it a second glance-api without it serves the run. */
const memberLimit = 128;
const glanceExtraPort = 19296;

const fail = (message: string): never => {
  throw new Error(message);
};

function parseOptions(argv: string[]) {
  const smoke = argv.includes("--smoke");
  const value = (flag: string, fallback: string, smokeFallback = fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : smoke ? smokeFallback : fallback;
  };
  const list = (flag: string, fallback: string, smokeFallback: string) =>
    value(flag, fallback, smokeFallback).split(",").filter(Boolean);
  const sizes = list("--sizes", "10,100,200", "10").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    fail(`--sizes takes integers 1..1000, not ${sizes.join(",")}`);
  const images = list("--images", "20x10", "none")
    .filter((x) => x !== "none")
    .map((x) => {
      const [count, perImage] = (
        /^(\d+)x(\d+)$/.exec(x) ?? fail(`--images takes MxN[,MxN...], not ${x}`)
      )
        .slice(1)
        .map(Number);
      return { count, perImage };
    });
  const contenders = list("--contenders", allContenders.join(","), "ours,plugin,floor,tofu");
  // The MxN scenarios of issue 30 cost minutes per contender: a run may give them fewer.
  const scaleContenders = list("--scale-contenders", contenders.join(","), contenders.join(","));
  const unknown = [...contenders, ...scaleContenders].find(
    (c) => !(allContenders as string[]).includes(c),
  );
  if (unknown) fail(`unknown contender ${unknown}`);
  if (scaleContenders.some((c) => !contenders.includes(c)))
    fail("--scale-contenders must be among --contenders");
  const repeats = Number(value("--repeats", "3", "1"));
  const smokeOut = path.join(os.tmpdir(), "pim-bench-smoke");
  const out = path.resolve(value("--out", path.join(projectRoot, "docs/benchmarks"), smokeOut));
  const raw = value("--raw", path.join(projectRoot, "bench/out/results.json"), `${out}/smoke.json`);
  return {
    sizes,
    images,
    contenders: contenders as ContenderName[],
    scaleContenders: scaleContenders as ContenderName[],
    repeats,
    scaleRepeats: Number(value("--scale-repeats", String(repeats))),
    /** Where the docs go (README.md, summary.json); for --smoke a temporary folder. */
    out,
    /** The run's results file, every sample. */
    raw: path.resolve(raw),
    smoke,
    /** Set for every Pulumi engine contender (--env KEY=VALUE, repeatable). */
    env: Object.fromEntries(
      argv.flatMap((a, i) => (a === "--env" ? [argv[i + 1].split(/=(.*)/s).slice(0, 2)] : [])),
    ),
    /** Extra arguments of every engine operation (--engine-args "--parallel 2"). */
    engineArgs: value("--engine-args", "").split(" ").filter(Boolean),
  };
}
type Options = ReturnType<typeof parseOptions>;

function tryRun(cmd: string, ...args: string[]): string | undefined {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.trim().split("\n")[0];
  } catch {
    return undefined;
  }
}

function describeMachine(): Machine {
  const sdk = path.join(projectRoot, "node_modules/@pulumi/pulumi/package.json");
  return {
    nproc: Number(tryRun("nproc")),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    os: tryRun("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
    node: process.version,
    pulumiCli: tryRun(path.join(pulumiBinDir(), "pulumi"), "version"),
    pulumiNodejsSdk: JSON.parse(fs.readFileSync(sdk, "utf8")).version,
    engineParallelism,
    openstackClient: tryRun("openstack", "--version"),
    go: tryRun("go", "version"),
    glance: tryRun("dpkg-query", "-W", "-f", "${Version}", "glance-api"),
    keystone: tryRun("dpkg-query", "-W", "-f", "${Version}", "keystone"),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    loadAverageAtEnd: [],
  };
}

/**
 * Stock Glance shares an image with at most 128 projects (image_member_quota, HTTP 413
 * beyond): for more members of one image, a second glance-api of the local cloud (same
 * database and store, workers as the main one) without that limit serves the whole run.
 */
function glanceFor(options: Options, glanceUrl: string): { target: string; note: string } {
  const most = Math.max(...options.sizes, ...options.images.map((x) => x.perImage));
  if (most <= memberLimit)
    return { target: glanceUrl, note: `the local cloud's glance-api (${glanceUrl})` };
  if (process.env.PIM_CLOUD_JSON) {
    throw new Error(
      `N=${most} members of one image exceeds Glance's default image_member_quota (${memberLimit}); ` +
        `raise it on your cloud, or use smaller --sizes`,
    );
  }
  const extra = ["workers=2", "image_member_quota=1000"];
  log(
    `N=${most} > Glance's image_member_quota ${memberLimit}: a second glance-api (${extra.join(" ")})`,
  );
  const target = extraGlance("bench", String(glanceExtraPort), extra);
  return {
    target,
    note:
      `a second glance-api of the local cloud (scripts/local-cloud.sh glance-extra bench ${glanceExtraPort} ${extra.join(" ")}; same database, store ` +
      `and worker count as the main one), because stock Glance refuses more than ${memberLimit} members per image (413)`,
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const fromResults = argv.indexOf("--from-results");
  if (fromResults >= 0) {
    writeReport(readResults(path.resolve(argv[fromResults + 1])), options.out);
    return 0;
  }
  const startedAt = new Date().toISOString();
  const cloudFile = loadCloudFile();
  const glance = glanceFor(options, cloudFile.glanceUrl);
  const cloud = new Cloud(cloudFile, glance.target);
  await cloud.start();
  const problems: string[] = [];
  const tempDirs: string[] = [];
  const { sizes, images, contenders: selected, repeats } = options;
  const { scaleContenders, scaleRepeats } = options;
  const runOptions = { sizes, images, contenders: selected, repeats };
  const report: Report = {
    command: `node -r ts-node/register/transpile-only bench/run.ts ${argv.join(" ")}`.trim(),
    startedAt,
    finishedAt: "",
    options: { ...runOptions, scaleContenders, scaleRepeats },
    machine: describeMachine(),
    bridged: { available: false, reason: "not selected" },
    glance: glance.note,
    results: [],
    targets: [],
    harnessProblems: problems,
  };
  let contenders: Contender[] = [];
  try {
    const made = makeContenders(selected, cloud, tempDirs);
    contenders = made.contenders;
    if (made.packageTarball) report.packageTarball = made.packageTarball;
    if (made.bridged) report.bridged = made.bridged;
    for (const c of contenders) {
      if (c instanceof EngineContender) Object.assign(c.project.env, options.env);
      if (c.state) c.operationArgs = options.engineArgs;
      await c.init();
    }
    const scenarios = [
      ...sizes.map((n) => ({ label: `N=${n}`, images: 1, perImage: n, scale: false })),
      ...images.map(({ count: n, perImage }) => ({
        label: `${n}x${perImage}`,
        images: n,
        perImage,
        scale: true,
      })),
    ];
    for (const { scale, ...sc } of scenarios) {
      const result: ScenarioResult = { ...sc, total: sc.images * sc.perImage, contenders: {} };
      report.results.push(result);
      const measured = scale
        ? contenders.filter((c) => scaleContenders.includes(c.name))
        : contenders;
      const times = scale ? scaleRepeats : repeats;
      // Each contender gets images of its own, so one's leftovers cannot disturb another.
      const imagesOf = new Map<Contender, string[]>();
      for (const c of measured) {
        const imageIds: string[] = [];
        for (let i = 0; i < sc.images; i++) imageIds.push(await cloud.driver.createImage());
        imagesOf.set(c, imageIds);
        result.contenders[c.name] = { samples: {}, medians: {} };
      }
      for (let rep = 0; rep < times; rep++) {
        for (const c of measured) {
          if (result.contenders[c.name]!.error) continue;
          log(`${sc.label} ${c.name} run ${rep + 1}/${times}`);
          await measureScenario(c, imagesOf.get(c)!, result, rep, problems);
        }
      }
      for (const entry of Object.values(result.contenders)) {
        for (const op of ops) {
          const samples = entry!.samples[op];
          if (samples?.length) entry!.medians[op] = stats(samples.map((s) => s.seconds));
        }
      }
    }
  } finally {
    for (const c of contenders) c.cleanUp();
    await cloud.stop();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  finishReport(report);
  fs.mkdirSync(path.dirname(options.raw), { recursive: true });
  fs.writeFileSync(options.raw, JSON.stringify(report, null, 2) + "\n");
  if (options.smoke) {
    console.log(smokeLine(report));
  } else {
    writeReport(report, options.out);
    log(`wrote ${options.raw}; summary.json and README.md in ${options.out}`);
    if (problems.length) console.log(`harness problems:\n  ${problems.join("\n  ")}`);
  }
  return problems.length ? 1 : 0;
}

/** One run of a contender's operations in a scenario; a failure ends its scenario. */
async function measureScenario(
  c: Contender,
  imageIds: string[],
  result: ScenarioResult,
  rep: number,
  problems: string[],
): Promise<void> {
  const entry = result.contenders[c.name]!;
  const where = `${result.label} ${c.name}`;
  try {
    await c.configure(imageIds, result.perImage);
    for (const op of ops) {
      const s = await c.measure(op);
      (entry.samples[op] ??= []).push(s);
      const cpu = [s.providerCpuSeconds, s.programCpuSeconds, s.engineCpuSeconds].map(
        (x) => x ?? "–",
      );
      log(
        `  ${op}: ${s.seconds.toFixed(2)} s, Glance ${s.glanceTotal}, Keystone auths ${s.keystoneAuths}, token validations ${s.keystoneValidations ?? "–"}, ` +
          `provider processes ${s.providerProcesses}, peak ${s.providerPeakRssMb ?? "?"} MB, CPU provider ${cpu[0]} s program ${cpu[1]} s engine ${cpu[2]} s, load ${s.load1}`,
      );
      if (op === "up" && rep === 0 && c.state && !c.pulumiOnly) {
        entry.state = await c.state(result.total);
      }
      const changed = c.changedResources?.(result.images, result.total);
      if (changed === undefined) continue;
      for (const p of harnessProblems(c, op, s, changed)) problems.push(`${where} ${op}: ${p}`);
    }
    if (c.note) entry.note = c.note;
    if (rep === 0 && entry.state && entry.state.members !== result.total) {
      problems.push(
        `${where}: stack export has ${entry.state.members} members, want ${result.total}`,
      );
    }
  } catch (error) {
    entry.error = (error as Error).message.split("\n").slice(0, 3).join(" ");
    problems.push(`${where}: ${entry.error}`);
    log(`${where} failed: ${(error as Error).message.slice(0, 2000)}`);
    await c.abandon();
  }
}

/** Signs that the harness, not the provider's speed, is broken. */
function harnessProblems(c: Contender, op: OpName, s: OpSample, want: number): string[] {
  const changed = { up: s.changes?.created, destroy: s.changes?.deleted }[op as string];
  const ours = !c.pulumiOnly;
  return [
    !ours && s.glanceTotal > 0 && "Pulumi's floor sent Glance requests",
    ours && s.providerProcesses === 0 && "no provider process was seen",
    ours &&
      (op === "up" || op === "destroy") &&
      s.glanceTotal === 0 &&
      "the Glance proxy saw no request (is the provider going around it?)",
    changed !== undefined &&
      changed !== want &&
      `the engine reports ${changed} resources changed, want ${want}`,
  ].filter((problem): problem is string => !!problem);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${(error as Error).stack ?? error}`);
    process.exit(2);
  },
);
