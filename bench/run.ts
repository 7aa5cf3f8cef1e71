/**
 * The benchmark of issue 7: how long sharing images with many projects takes, how many
 * requests it costs and how much state it leaves, side by side with what a user would do
 * instead, in one run on the same local cloud (scripts/local-cloud.sh).
 *
 *   node -r ts-node/register/transpile-only bench/run.ts [--sizes 10,100,200] [--images 20x10]
 *       [--contenders ours,package,members,plugin,yaml,floor,cli,bridged,tofu] [--repeats 3]
 *       [--cli-sample 10] [--out docs/benchmarks] [--raw bench/out/results.json]
 *       [--merge-into docs/benchmarks/summary.json] [--smoke]
 *   node -r ts-node/register/transpile-only bench/run.ts --from-results FILE [--out docs/benchmarks]
 *       [--merge-into docs/benchmarks/summary.json]
 *
 * Every sample goes to the results file (--raw, git-ignored); docs/benchmarks/ gets its
 * summary: summary.json, chart.svg and README.md (bench/summary.ts). --from-results redraws
 * those three from a results file or a summary.json, measuring nothing. --merge-into FILE
 * writes them from FILE (a summary.json) with this run's contenders replacing theirs there,
 * for a run of a few contenders when the full run is too long; the README says which run
 * each contender's figures come from.
 *
 * Contenders:
 *   ours     this provider from the repository (bench/program), under the real Pulumi engine
 *   package  the same program in a temporary project that installed `npm pack` of this
 *            repository into its node_modules (Pulumi serializes it by reference there)
 *   members  the installed package too, but one `ImageMembers` per image (all its member ids)
 *            instead of one `ImageMember` per member (bench/members.ts)
 *   plugin   the provider plugin `imagemembers` (the repository's bin/ and dist/, what the
 *            package ships): bench/program-plugin, a Node.js program declaring
 *            `imagemembers:index:ImageMember` by type token (bench/plugin.ts)
 *   yaml     the same plugin from a `runtime: yaml` program listing every member
 *   floor    the same POSTs / GETs / DELETEs sent straight to Glance with one token and the
 *            engine's default concurrency (4 × CPUs), through the project's own HttpClient
 *   cli      `openstack image add project` / `remove project` in a shell-style loop
 *   bridged  `@pulumi/openstack`'s images.ImageAccess under the same engine, with a
 *            pulumi-resource-openstack plugin built on another machine (PIM_BRIDGED_OPENSTACK_BIN)
 *   tofu     OpenTofu with terraform-provider-openstack's openstack_images_image_access_v2 and
 *            `count`, both built here from Go modules by scripts/tofu.sh (bench/tofu.ts): the
 *            peer every run can measure
 *
 * Every request is counted at the server side by loopback proxies in front of Keystone and
 * Glance; the Keystone proxy rewrites the catalog so that catalog-following clients (the CLI,
 * the bridged provider, ours) reach Glance through the Glance proxy too. Times are medians.
 *
 * --smoke: N = 10, ours, the plugin, the floor and tofu, one repeat; exits non-zero only when the harness is
 * broken (an engine command fails, the proxies see nothing, state or process is missing),
 * never on timing. It prints one summary line. CI runs it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { loadCloudFile } from "../tests/support/realCloud";
import { cliMeasure } from "./cliLoop";
import { Cloud, pairsOf } from "./cloud";
import { StatefulContender } from "./engine";
import { makeContenders } from "./contenders";
import { Floor } from "./floor";
import { describeMachine } from "./machine";
import { OpSample, ScenarioResult, log, round, stats } from "./measure";
import { ContenderName, OpName, ops, parseOptions } from "./options";
import { Report, printTargets, redraw, smokeLine, summaryFile, writeReport } from "./report";
import { mergeSummaries, readSummary, summarize } from "./summary";
import { evaluateTargets } from "./targets";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const fromResults = argv.indexOf("--from-results");
  if (fromResults >= 0) {
    const options = parseOptions(argv);
    return redraw(path.resolve(argv[fromResults + 1]), options.out, options.mergeInto);
  }
  const options = parseOptions(argv);
  const startedAt = new Date().toISOString();
  const cloudFile = loadCloudFile();
  // Stock Glance shares an image with at most 128 projects (image_member_quota, HTTP 413
  // beyond): for more members of one image, a second glance-api of the local cloud (same
  // database and store, workers as the main one) without that limit serves the whole run.
  const maxPerImage = Math.max(...options.sizes, options.images?.perImage ?? 0);
  let glanceTarget = cloudFile.glanceUrl;
  let glanceNote = `the local cloud's glance-api (${cloudFile.glanceUrl})`;
  if (maxPerImage > options.memberLimit) {
    if (process.env.PIM_CLOUD_JSON) {
      throw new Error(
        `N=${maxPerImage} members of one image exceeds Glance's default image_member_quota (${options.memberLimit}); ` +
          `raise it on your cloud and pass --member-limit, or use smaller --sizes`,
      );
    }
    const args = [
      path.join(projectRoot, "scripts/local-cloud.sh"),
      "glance-extra",
      "bench",
      String(options.glanceExtraPort),
      "workers=2",
      "image_member_quota=1000",
    ];
    log(
      `N=${maxPerImage} > Glance's image_member_quota ${options.memberLimit}: bash ${args.join(" ")}`,
    );
    execFileSync("bash", args, { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"] });
    glanceTarget = `http://127.0.0.1:${options.glanceExtraPort}`;
    glanceNote =
      `a second glance-api of the local cloud (scripts/local-cloud.sh glance-extra bench ${options.glanceExtraPort} ` +
      `workers=2 image_member_quota=1000; same database, store and worker count as the main one), because stock ` +
      `Glance refuses more than ${options.memberLimit} members per image (413)`;
  }
  const cloud = new Cloud(cloudFile, glanceTarget);
  await cloud.start();
  const harnessProblems: string[] = [];
  const engines: StatefulContender[] = [];
  const tempDirs: string[] = [];
  const report: Report = {
    command:
      `node -r ts-node/register/transpile-only bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt,
    finishedAt: "",
    options,
    machine: describeMachine(),
    bridged: { available: false, reason: "not selected" },
    glance: glanceNote,
    results: [],
    targets: [],
    cli: {},
    harnessProblems,
  };

  try {
    const want = (c: ContenderName) => options.contenders.includes(c);
    const made = makeContenders(options.contenders, cloud, tempDirs);
    const contenders = made.contenders;
    if (made.packageTarball) report.packageTarball = made.packageTarball;
    if (made.bridged) report.bridged = made.bridged;
    for (const c of Object.values(contenders)) {
      engines.push(c!);
      await c!.init();
    }
    const floor = want("floor") ? new Floor(cloud) : undefined;

    const scenarios = options.sizes.map((n) => ({ label: `N=${n}`, images: 1, perImage: n }));
    if (options.images) {
      scenarios.push({
        label: `${options.images.count}x${options.images.perImage}`,
        images: options.images.count,
        perImage: options.images.perImage,
      });
    }

    for (const sc of scenarios) {
      const total = sc.images * sc.perImage;
      const result: ScenarioResult = { ...sc, total, contenders: {} };
      report.results.push(result);
      // Each contender gets images of its own, so one's leftovers cannot disturb another.
      const imagesOf: Partial<Record<ContenderName, string[]>> = {};
      for (const c of options.contenders) {
        if (c === "bridged" && !contenders.bridged) continue;
        imagesOf[c] = [];
        for (let i = 0; i < sc.images; i++) imagesOf[c]!.push(await cloud.driver.createImage());
        result.contenders[c] = { samples: {}, medians: {} };
      }

      for (let rep = 0; rep < options.repeats; rep++) {
        for (const c of options.contenders) {
          const entry = result.contenders[c];
          if (!entry || entry.error) continue;
          if (c === "cli") continue;
          const pairs = pairsOf(imagesOf[c]!, sc.perImage);
          log(`${sc.label} ${c} run ${rep + 1}/${options.repeats}`);
          try {
            if (c === "floor") {
              for (const op of ["up", "refresh", "destroy"] as const) {
                (entry.samples[op] ??= []).push(await floor!.measure(op, pairs));
              }
              for (const op of ["noop", "preview"] as const) {
                (entry.samples[op] ??= []).push({
                  seconds: 0,
                  glanceTotal: 0,
                  glance: {},
                  keystoneTotal: 0,
                  keystoneAuths: 0,
                  keystone: {},
                  providerProcesses: 0,
                });
              }
              entry.note = "no-op up and preview: nothing to send (0 s by definition)";
              continue;
            }
            const engine = contenders[c]!;
            await engine.configure(imagesOf[c]!, sc.perImage);
            for (const op of ops) {
              const sample = await engine.measure(op);
              (entry.samples[op] ??= []).push(sample);
              log(
                `  ${op}: ${sample.seconds.toFixed(2)} s, Glance ${sample.glanceTotal}, Keystone auths ${sample.keystoneAuths}, ` +
                  `provider processes ${sample.providerProcesses}, peak ${sample.providerPeakRssMb ?? "?"} MB, ` +
                  `CPU provider ${sample.providerCpuSeconds} s program ${sample.programCpuSeconds ?? "–"} s engine ${sample.engineCpuSeconds} s, load ${sample.load1}`,
              );
              if (op === "up" && rep === 0) entry.state = await engine.state(total);
              // One ImageMembers resource per image, one ImageMember / ImageAccess per member.
              const resources = c === "members" ? sc.images : total;
              // The Pulumi engine's counts include the stack resource itself, OpenTofu's do not.
              const counted = c === "tofu" ? resources : resources + 1;
              checkHarness(c, sc.label, op, sample, counted, harnessProblems);
            }
            if (rep === 0 && entry.state && entry.state.members !== total) {
              harnessProblems.push(
                `${sc.label} ${c}: stack export has ${entry.state.members} members, want ${total}`,
              );
            }
          } catch (error) {
            entry.error = (error as Error).message.split("\n").slice(0, 3).join(" ");
            harnessProblems.push(`${sc.label} ${c}: ${entry.error}`);
            log(`${sc.label} ${c} failed: ${(error as Error).message.slice(0, 2000)}`);
            if (c !== "floor") await contenders[c]?.abandon();
          }
        }
      }

      if (want("cli")) {
        const entry = result.contenders.cli!;
        const pairs = pairsOf(imagesOf.cli!, sc.perImage);
        log(`${sc.label} cli loop (${Math.min(options.cliSample, pairs.length)} calls each way)`);
        try {
          const up = await cliMeasure(cloud, "up", pairs, options.cliSample);
          const down = await cliMeasure(cloud, "destroy", pairs, options.cliSample);
          entry.samples.up = [up.sample];
          entry.samples.destroy = [down.sample];
          report.cli![sc.label] = {
            up: up.perCall,
            destroy: down.perCall,
            calls: up.calls,
            extrapolated: up.extrapolated,
          };
          entry.note = up.extrapolated
            ? `extrapolated: median of ${up.calls} calls × ${total}`
            : `all ${up.calls} calls timed`;
        } catch (error) {
          entry.error = (error as Error).message.split("\n")[0];
          harnessProblems.push(`${sc.label} cli: ${entry.error}`);
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
    for (const e of engines) {
      e.cleanUp();
    }
    await cloud.driver.cleanUp().catch(() => undefined);
    await cloud.stop();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }

  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, options);
  fs.mkdirSync(path.dirname(options.raw), { recursive: true });
  fs.writeFileSync(options.raw, JSON.stringify(report, null, 2) + "\n");

  if (options.smoke) {
    console.log(smokeLine(report));
    return harnessProblems.length ? 1 : 0;
  }
  const summary = summarize(report);
  const written = options.mergeInto
    ? mergeSummaries(readSummary(options.mergeInto), summary)
    : summary;
  writeReport(written, options.out);
  log(`wrote ${options.raw}; ${summaryFile}, chart.svg and README.md in ${options.out}`);
  printTargets(written.targets);
  if (harnessProblems.length) {
    console.log(`harness problems:\n  ${harnessProblems.join("\n  ")}`);
    return 1;
  }
  return 0;
}

/** Signs that the harness, not the provider's speed, is broken. */
function checkHarness(
  c: ContenderName,
  label: string,
  op: OpName,
  sample: OpSample,
  /** The resources the engine's summary counts as changed by up and destroy. */
  changedResources: number,
  problems: string[],
): void {
  const where = `${label} ${c} ${op}`;
  if (sample.providerProcesses === 0) problems.push(`${where}: no provider process was seen`);
  if ((op === "up" || op === "destroy") && sample.glanceTotal === 0) {
    problems.push(`${where}: the Glance proxy saw no request (is the provider going around it?)`);
  }
  const changed =
    op === "up" ? sample.changes?.created : op === "destroy" ? sample.changes?.deleted : undefined;
  if ((op === "up" || op === "destroy") && changed !== undefined && changed !== changedResources) {
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
