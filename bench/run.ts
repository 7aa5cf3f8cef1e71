/**
 * The benchmark of issue 7: how long sharing images with many projects takes, how many
 * requests it costs and how much state it leaves, side by side with what a user would do
 * instead, in one run on the same local cloud (scripts/local-cloud.sh).
 *
 *   node -r ts-node/register/transpile-only bench/run.ts [--sizes 10,100,200] [--images 20x10,5x100]
 *       [--contenders ours,package,...] [--repeats 3] [--cli-sample 10] [--out docs/benchmarks]
 *       [--raw bench/out/results.json] [--env KEY=VALUE]... [--engine-args "--parallel 2"] [--smoke]
 *   node -r ts-node/register/transpile-only bench/run.ts --from-results FILE [--out docs/benchmarks]
 *
 * Every sample goes to the results file (--raw, git-ignored); docs/benchmarks/ gets its
 * summary.json and README.md (bench/report.ts). --from-results writes those two again from a
 * results file or a summary.json, measuring nothing. The contenders, and what each is, are in
 * bench/contenders.ts. Every request is counted at the server side by loopback proxies in
 * front of Keystone and Glance (bench/cloud.ts). Times are medians. --env and --engine-args
 * measure a setting a user can choose (docs/benchmarks/profile.md); with
 * `--env "NODE_OPTIONS=--require $PWD/bench/cpuProfilePreload.js" --env PIM_CPU_PROFILE_DIR=DIR`
 * every Node.js process the engine starts writes its CPU profile into DIR.
 *
 * --smoke: N = 10, ours, the plugin, the floor and tofu, one repeat; exits non-zero only when
 * the harness is broken (an engine command fails, the proxies see nothing, state or process is
 * missing), never on timing. It prints one summary line. CI runs it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { pulumiBinDir } from "../tests/support/pulumiEngine";
import { loadCloudFile } from "../tests/support/realCloud";
import { Cloud } from "./cloud";
import { allContenders, makeContenders } from "./contenders";
import { EngineContender } from "./engine";
import {
  Contender,
  ContenderName,
  OpName,
  OpSample,
  ScenarioResult,
  engineParallelism,
  log,
  ops,
  round,
  stats,
} from "./measure";
import { Machine, Report, RunOptions, smokeLine, summaryFile, writeReport } from "./report";
import { evaluateTargets } from "./targets";

interface Options extends RunOptions {
  images: { count: number; perImage: number }[];
  /** Where the docs go (README.md, summary.json); for --smoke a temporary folder. */
  out: string;
  /** The run's results file, every sample: git-ignored bench/out/results.json (smoke: in `out`). */
  raw: string;
  smoke: boolean;
  /** Glance's default image_member_quota; above it a second glance-api without it is used. */
  memberLimit: number;
  glanceExtraPort: number;
  /** Set for every Pulumi engine contender (--env KEY=VALUE, repeatable), e.g. a setting to measure. */
  env: Record<string, string>;
  /** Extra arguments of every engine operation (--engine-args "--parallel 2"). */
  engineArgs: string[];
}

function parseOptions(argv: string[]): Options {
  const smoke = argv.includes("--smoke");
  const value = (flag: string, fallback: string, smokeFallback = fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : smoke ? smokeFallback : fallback;
  };
  const sizes = value("--sizes", "10,100,200", "10").split(",").filter(Boolean).map(Number);
  const imageArg = value("--images", "20x10", "none");
  const images = imageArg === "none" ? [] : imageArg.split(",").map((x) => /^(\d+)x(\d+)$/.exec(x));
  if (images.some((m) => !m)) throw new Error(`--images takes MxN[,MxN...], not ${imageArg}`);
  const contenders = value("--contenders", allContenders.join(","), "ours,plugin,floor,tofu")
    .split(",")
    .filter(Boolean) as ContenderName[];
  for (const c of contenders) {
    if (!allContenders.includes(c)) throw new Error(`unknown contender ${c}`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new Error(`--sizes takes integers 1..1000, not ${sizes.join(",")}`);
  }
  const out = path.resolve(
    value(
      "--out",
      path.join(projectRoot, "docs/benchmarks"),
      path.join(os.tmpdir(), "pim-bench-smoke"),
    ),
  );
  return {
    sizes,
    images: images.map((m) => ({ count: Number(m![1]), perImage: Number(m![2]) })),
    contenders,
    repeats: Number(value("--repeats", "3", "1")),
    cliSample: Number(value("--cli-sample", "10")),
    out,
    raw: path.resolve(
      value(
        "--raw",
        path.join(projectRoot, "bench/out/results.json"),
        path.join(out, "smoke.json"),
      ),
    ),
    smoke,
    memberLimit: Number(value("--member-limit", "128")),
    glanceExtraPort: Number(value("--glance-extra-port", "19296")),
    env: Object.fromEntries(
      argv.flatMap((a, i) => (a === "--env" ? [argv[i + 1].split(/=(.*)/s).slice(0, 2)] : [])),
    ),
    engineArgs: value("--engine-args", "").split(" ").filter(Boolean),
  };
}

function tryRun(cmd: string, args: string[]): string | undefined {
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
    nproc: Number(tryRun("nproc", [])),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    os: tryRun("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    node: process.version,
    pulumiCli: tryRun(path.join(pulumiBinDir(), "pulumi"), ["version"]),
    pulumiNodejsSdk: JSON.parse(fs.readFileSync(sdk, "utf8")).version,
    engineParallelism,
    openstackClient: tryRun("openstack", ["--version"]),
    go: tryRun("go", ["version"]),
    glance: tryRun("dpkg-query", ["-W", "-f", "${Version}", "glance-api"]),
    keystone: tryRun("dpkg-query", ["-W", "-f", "${Version}", "keystone"]),
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
  if (most <= options.memberLimit)
    return { target: glanceUrl, note: `the local cloud's glance-api (${glanceUrl})` };
  if (process.env.PIM_CLOUD_JSON) {
    throw new Error(
      `N=${most} members of one image exceeds Glance's default image_member_quota (${options.memberLimit}); ` +
        `raise it on your cloud and pass --member-limit, or use smaller --sizes`,
    );
  }
  const extra = [
    "glance-extra",
    "bench",
    String(options.glanceExtraPort),
    "workers=2",
    "image_member_quota=1000",
  ];
  const args = [path.join(projectRoot, "scripts/local-cloud.sh"), ...extra];
  log(`N=${most} > Glance's image_member_quota ${options.memberLimit}: bash ${args.join(" ")}`);
  execFileSync("bash", args, { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"] });
  return {
    target: `http://127.0.0.1:${options.glanceExtraPort}`,
    note:
      `a second glance-api of the local cloud (scripts/local-cloud.sh ${extra.join(" ")}; same database, store ` +
      `and worker count as the main one), because stock Glance refuses more than ${options.memberLimit} members per image (413)`,
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const fromResults = argv.indexOf("--from-results");
  if (fromResults >= 0) {
    writeReport(
      JSON.parse(fs.readFileSync(path.resolve(argv[fromResults + 1]), "utf8")),
      options.out,
    );
    return 0;
  }
  const startedAt = new Date().toISOString();
  const cloudFile = loadCloudFile();
  const glance = glanceFor(options, cloudFile.glanceUrl);
  const cloud = new Cloud(cloudFile, glance.target);
  await cloud.start();
  const harnessProblems: string[] = [];
  const tempDirs: string[] = [];
  const report: Report = {
    command: `node -r ts-node/register/transpile-only bench/run.ts ${argv.join(" ")}`.trim(),
    startedAt,
    finishedAt: "",
    options: {
      sizes: options.sizes,
      images: options.images,
      contenders: options.contenders,
      repeats: options.repeats,
      cliSample: options.cliSample,
    },
    machine: describeMachine(),
    bridged: { available: false, reason: "not selected" },
    glance: glance.note,
    results: [],
    targets: [],
    harnessProblems,
  };
  let contenders: Contender[] = [];
  try {
    const made = makeContenders(options.contenders, cloud, tempDirs, options.cliSample);
    contenders = made.contenders;
    if (made.packageTarball) report.packageTarball = made.packageTarball;
    if (made.bridged) report.bridged = made.bridged;
    for (const c of contenders) {
      if (c instanceof EngineContender) Object.assign(c.project.env, options.env);
      if (c.state) c.operationArgs = options.engineArgs;
      await c.init();
    }

    const scenarios = options.sizes.map((n) => ({ label: `N=${n}`, images: 1, perImage: n }));
    for (const { count, perImage } of options.images) {
      scenarios.push({ label: `${count}x${perImage}`, images: count, perImage });
    }
    for (const sc of scenarios) {
      const result: ScenarioResult = { ...sc, total: sc.images * sc.perImage, contenders: {} };
      report.results.push(result);
      // Each contender gets images of its own, so one's leftovers cannot disturb another.
      const imagesOf = new Map<Contender, string[]>();
      for (const c of contenders) {
        const imageIds: string[] = [];
        for (let i = 0; i < sc.images; i++) imageIds.push(await cloud.driver.createImage());
        imagesOf.set(c, imageIds);
        result.contenders[c.name] = { samples: {}, medians: {} };
      }
      for (let rep = 0; rep < options.repeats; rep++) {
        for (const c of contenders) {
          if (result.contenders[c.name]!.error || (c.once && rep > 0)) continue;
          log(`${sc.label} ${c.name} run ${rep + 1}/${c.once ? 1 : options.repeats}`);
          await measureScenario(c, imagesOf.get(c)!, result, rep, harnessProblems);
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
    await cloud.driver.cleanUp().catch(() => undefined);
    await cloud.stop();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }

  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, options.contenders);
  fs.mkdirSync(path.dirname(options.raw), { recursive: true });
  fs.writeFileSync(options.raw, JSON.stringify(report, null, 2) + "\n");
  if (options.smoke) {
    console.log(smokeLine(report));
    return harnessProblems.length ? 1 : 0;
  }
  writeReport(report, options.out);
  log(`wrote ${options.raw}; ${summaryFile} and README.md in ${options.out}`);
  if (harnessProblems.length) console.log(`harness problems:\n  ${harnessProblems.join("\n  ")}`);
  return harnessProblems.length ? 1 : 0;
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
  try {
    await c.configure(imageIds, result.perImage);
    for (const op of c.ops ?? ops) {
      const sample = await c.measure(op);
      (entry.samples[op] ??= []).push(sample);
      log(
        `  ${op}: ${sample.seconds.toFixed(2)} s, Glance ${sample.glanceTotal}, Keystone auths ${sample.keystoneAuths}, token validations ${sample.keystoneValidations ?? "–"}, ` +
          `provider processes ${sample.providerProcesses}, peak ${sample.providerPeakRssMb ?? "?"} MB, ` +
          `CPU provider ${sample.providerCpuSeconds ?? "–"} s program ${sample.programCpuSeconds ?? "–"} s engine ${sample.engineCpuSeconds ?? "–"} s, load ${sample.load1}`,
      );
      if (op === "up" && rep === 0 && c.state && !c.pulumiOnly)
        entry.state = await c.state(result.total);
      if (c.changedResources) {
        const changed = c.changedResources(result.images, result.total);
        const where = `${result.label} ${c.name} ${op}`;
        checkHarness(where, op, sample, changed, problems, c.pulumiOnly);
      }
    }
    if (c.note) entry.note = c.note;
    if (rep === 0 && entry.state && entry.state.members !== result.total) {
      problems.push(
        `${result.label} ${c.name}: stack export has ${entry.state.members} members, want ${result.total}`,
      );
    }
  } catch (error) {
    entry.error = (error as Error).message.split("\n").slice(0, 3).join(" ");
    problems.push(`${result.label} ${c.name}: ${entry.error}`);
    log(`${result.label} ${c.name} failed: ${(error as Error).message.slice(0, 2000)}`);
    await c.abandon();
  }
}

/** Signs that the harness, not the provider's speed, is broken. */
function checkHarness(
  where: string,
  op: OpName,
  sample: OpSample,
  changedResources: number,
  problems: string[],
  pulumiOnly = false,
): void {
  if (pulumiOnly) {
    if (sample.glanceTotal > 0) problems.push(`${where}: Pulumi's floor sent Glance requests`);
  } else if (sample.providerProcesses === 0) {
    problems.push(`${where}: no provider process was seen`);
  }
  if (!pulumiOnly && (op === "up" || op === "destroy") && sample.glanceTotal === 0) {
    problems.push(`${where}: the Glance proxy saw no request (is the provider going around it?)`);
  }
  const changed =
    op === "up" ? sample.changes?.created : op === "destroy" ? sample.changes?.deleted : undefined;
  if (changed !== undefined && changed !== changedResources) {
    problems.push(
      `${where}: the engine reports ${changed} resources changed, want ${changedResources}`,
    );
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${(error as Error).stack ?? error}`);
    process.exit(2);
  },
);
