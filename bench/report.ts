/**
 * The one writer of what a run leaves: the results file's targets (every sample;
 * bench/out/results.json, not committed), and in docs/benchmarks/ its summary (summary.json:
 * per scenario and contender the medians with min, max and count, the first run's request
 * counts, the CPU split of `up`, the state figures, the provider's peak memory, the targets)
 * and README.md, drawn from the summary alone; and the line the smoke run prints.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  BridgedOutcome,
  ContenderName,
  ContenderResult,
  OpName,
  ScenarioResult,
  StateFigures,
  Stats,
  allContenders,
  describe,
  engineContenders,
  fmtS,
  log,
  ops,
  round,
  upCpuOf,
} from "./measure";
import {
  Target,
  evaluateTargets,
  med,
  ourShare,
  pluginStateTargetBytes,
  providerContenders,
  pulumiFloorOf,
  ratioText,
  shareOps,
  shareText,
} from "./targets";

/** The run's options the report keeps; `images` one object in summaries before issue 30. */
export interface RunOptions {
  sizes: number[];
  images?: { count: number; perImage: number }[] | { count: number; perImage: number };
  contenders: ContenderName[];
  repeats: number;
  cliSample: number;
  /** The contenders and repeats of the MxN scenarios, when fewer (issue 30). */
  scaleContenders?: ContenderName[];
  scaleRepeats?: number;
}

/** How the MxN scenarios were measured, when with fewer contenders or repeats (issue 30). */
function scaleText({ contenders, repeats, scaleContenders, scaleRepeats }: RunOptions): string {
  const fewer = scaleContenders && scaleContenders.length < contenders.length;
  if (!fewer && (scaleRepeats ?? repeats) === repeats) return "";
  const who = fewer ? ` and only ${scaleContenders.join(", ")}` : "";
  return ` (the MxN scenarios ${scaleRepeats ?? repeats}×${who})`;
}

/** The machine the benchmark ran on (bench/run.ts describes it). */
export type Machine = Record<string, unknown> & {
  pulumiCli?: string;
  node: string;
  engineParallelism: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
};

/** A run's results file. */
export interface Report {
  command: string;
  startedAt: string;
  finishedAt: string;
  options: RunOptions;
  machine: Machine;
  bridged: BridgedOutcome;
  glance: string;
  packageTarball?: string;
  results: ScenarioResult[];
  targets: Target[];
  harnessProblems: string[];
}

type Requests = { glance: number; keystoneAuths: number; keystone: number; validations?: number };

export interface ContenderSummary {
  medians: Partial<Record<OpName, Stats>>;
  /** Of the first run of each operation: Glance requests, token requests, all Keystone requests. */
  firstRequests: Partial<Record<OpName, Requests>>;
  /** `pulumi up` (create): medians of wall and CPU seconds; absent when `up` has no sample. */
  upCpu?: { wall?: number; provider?: number; program?: number; engine?: number };
  /** The provider process's peak RSS over every sample, 0 when none was read. */
  peakRssMb?: number;
  state?: Omit<StateFigures, "exampleMember">;
  note?: string;
  error?: string;
}

export interface ScenarioSummary extends Omit<ScenarioResult, "contenders"> {
  contenders: Partial<Record<ContenderName, ContenderSummary>>;
}

export interface Summary extends Omit<Report, "bridged" | "results"> {
  kind: "pim-bench-summary";
  bridged: Omit<BridgedOutcome, "dir" | "binDir">;
  results: ScenarioSummary[];
  /** Runs that measured some contenders (every scenario), merged in before issue 29. */
  merged?: (Omit<Report, "bridged" | "results" | "targets" | "harnessProblems"> & {
    contenders: ContenderName[];
  })[];
}

/** The end of a run: when it finished, the load then, and the targets on every sample. */
export function finishReport(report: Report): void {
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, report.options.contenders);
}

/** The summary of a run's results, with the targets evaluated on them (finishReport). */
export function summarize(report: Report): Summary {
  const { sizes, images, contenders, repeats, cliSample, scaleContenders, scaleRepeats } =
    report.options;
  // The bridged provider's temporary folders mean nothing after the run.
  const { available, reason, pluginVersion, sdk } = report.bridged;
  const results = report.results.map(({ contenders: measured, ...scenario }) => {
    const summaries: ScenarioSummary["contenders"] = {};
    for (const [c, r] of Object.entries(measured) as [ContenderName, ContenderResult][]) {
      const s: ContenderSummary = { medians: r.medians, firstRequests: {} };
      for (const op of ops) {
        const x = r.samples[op]?.[0];
        const validations = x?.keystoneValidations;
        if (x) {
          const { glanceTotal: glance, keystoneAuths, keystoneTotal: keystone } = x;
          s.firstRequests[op] = { glance, keystoneAuths, keystone, validations };
        }
      }
      s.upCpu = upCpuOf(r);
      const peaks = ops.flatMap((op) => (r.samples[op] ?? []).map((x) => x.providerPeakRssMb ?? 0));
      if (peaks.length) s.peakRssMb = Math.max(...peaks);
      if (r.state) s.state = { ...r.state, exampleMember: undefined } as ContenderSummary["state"];
      Object.assign(s, { note: r.note, error: r.error });
      summaries[c] = s;
    }
    return { ...scenario, contenders: summaries };
  });
  return {
    kind: "pim-bench-summary",
    command: report.command,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    options: { sizes, images, contenders, repeats, cliSample, scaleContenders, scaleRepeats },
    machine: report.machine,
    bridged: { available, reason, pluginVersion, sdk },
    glance: report.glance,
    ...(report.packageTarball ? { packageTarball: report.packageTarball } : {}),
    results,
    targets: report.targets,
    harnessProblems: report.harnessProblems,
  };
}

/**
 * Writes summary.json and README.md into `out`, from a run's results file or from a summary
 * (`--from-results FILE`: measuring nothing; from a summary the targets are those it holds).
 */
export function writeReport(from: Report | Summary, out: string): Summary {
  const summary =
    "kind" in from && from.kind === "pim-bench-summary" ? from : summarize(from as Report);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "summary.json"), compactJson(summary) + "\n");
  const readmeFile = path.join(out, "README.md");
  fs.writeFileSync(readmeFile, readme(summary));
  try {
    const prettier = require.resolve("prettier/bin/prettier.cjs");
    execFileSync(process.execPath, [prettier, "--write", readmeFile], { stdio: "ignore" });
  } catch {
    log("prettier could not format the README");
  }
  for (const t of summary.targets) {
    const label = t.met === true ? "MET    " : t.met === false ? "NOT MET" : "n/a    ";
    console.log(`${label} ${t.target}: ${t.measured}`);
  }
  return summary;
}

/** JSON with two-space indentation, but every object or array of plain values on one line. */
export function compactJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Array.isArray(value)
    ? value.map((v) => [undefined, v] as const)
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return `${open}${close}`;
  const inner = indent + "  ";
  const item = ([k, v]: readonly [string | undefined, unknown]) =>
    `${k === undefined ? "" : `${JSON.stringify(k)}: `}${compactJson(v, inner)}`;
  if (entries.every(([, v]) => v === null || typeof v !== "object")) {
    return `${open}${entries.map(item).join(", ")}${close}`;
  }
  return `${open}\n${entries.map((e) => inner + item(e)).join(",\n")}\n${indent}${close}`;
}

/** The line `npm run bench:smoke` prints: ours, the floor, the plugin and OpenTofu at N = 10. */
export function smokeLine(report: Report): string {
  const s = report.results[0];
  const first = (c: ContenderName, op: OpName) => s?.contenders[c]?.samples[op]?.[0];
  const times = (c: ContenderName, sep: string) =>
    ops.map((op) => `${op} ${fmtS(first(c, op)?.seconds)} s`).join(sep);
  const glance = (c: ContenderName, list: OpName[]) =>
    list.map((op) => first(c, op)?.glanceTotal ?? "?").join("/");
  const noRefresh: OpName[] = ["up", "noop", "preview", "destroy"];
  const ours = s?.contenders.ours?.state;
  const plugin = s?.contenders.plugin;
  const tofu = s?.contenders.tofu;
  return [
    `bench smoke ${s?.label ?? "?"}:`,
    times("ours", " "),
    `(floor up ${fmtS(first("floor", "up")?.seconds)} s);`,
    `Glance up/noop/preview/destroy ${glance("ours", noRefresh)};`,
    `Keystone auths up ${first("ours", "up")?.keystoneAuths ?? "?"};`,
    `state ${ours?.bytesPerMember ?? "?"} B/member (${ours?.bytesPerMemberWithoutStackTraces ?? "?"} B without stack traces; __provider ${ours?.providerBytes ?? "?"} B);`,
    `provider peak ${first("ours", "up")?.providerPeakRssMb ?? "?"} MB;`,
    ...(plugin
      ? [
          `plugin: ${times("plugin", ", ")}; Glance up/noop/preview/destroy ${glance("plugin", noRefresh)}; ` +
            `state ${plugin.state?.bytesPerMember ?? "?"} B/member (${plugin.state?.bytesPerMemberWithoutStackTraces ?? "?"} B without stack traces), ` +
            `one ImageMember ${plugin.state?.memberResourceBytes ?? "?"} B (${plugin.state?.memberResourceBytesWithoutStackTrace ?? "?"} B without its stack trace);`,
        ]
      : []),
    ...(tofu
      ? [
          `tofu: ${times("tofu", ", ")}; Glance ${glance("tofu", ops)}; state ${tofu.state?.bytesPerMember ?? "?"} B/member;`,
        ]
      : []),
    report.harnessProblems.length
      ? `HARNESS BROKEN: ${report.harnessProblems.join("; ")}`
      : "harness OK",
  ].join(" ");
}

/** docs/benchmarks/README.md, written from a run's summary. */
export function readme(report: Summary): string {
  const { results, machine, targets, bridged, merged } = report;
  const out: string[] = [];
  const add = (...lines: string[]) => out.push(...lines);
  const day = (iso: string) => iso.slice(0, 10);
  /** The run a contender's figures come from: a merged one, or the one the summary is of. */
  const runOf = (c: ContenderName) =>
    (merged?.find((r) => r.contenders.includes(c)) ?? report).finishedAt;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const mergedNote = merged?.length
    ? `, except the rows of ${merged.map((m) => `${m.contenders.join(", ")}: measured ${day(m.finishedAt)} by a smaller run, \`${m.command}\` (${plural(m.options.repeats, "repeat")}), merged in`).join("; ")} (see "Merged runs"; compare across runs with care: the machine is shared).`
    : ".";
  add(
    "# Benchmarks",
    "",
    `Generated by \`bench/run.ts\` (issue 7); do not edit by hand, run the benchmark again. Measured ${day(report.finishedAt)} with \`${report.command}\`${mergedNote}`,
    "",
  );

  add("## Headline", "");
  const s100 = results.find((r) => r.images === 1 && r.perImage === 100);
  if (s100) {
    const m = (c: ContenderName, op: OpName = "up") => med(s100, c, op);
    for (const c of providerContenders) {
      const t = m(c);
      if (t === undefined) continue;
      const vs = (other: ContenderName, name: string) => {
        const theirs = m(other);
        const when = runOf(other) === runOf(c) ? "the same run" : `measured ${day(runOf(other))}`;
        const how =
          other === "cli"
            ? ", extrapolated"
            : other === "bridged"
              ? `; plugin built on another machine, ${when}`
              : `; ${when}`;
        return theirs === undefined
          ? `${name}: not measured`
          : `${ratioText(t, theirs)} than ${name} (${fmtS(theirs)} s${how})`;
      };
      const floor = m("floor");
      const comparisons = [
        vs("tofu", "OpenTofu"),
        vs("cli", "the CLI loop"),
        vs("bridged", "the bridged provider"),
        ...(floor ? [`${(t / floor).toFixed(1)}× the floor (${fmtS(floor)} s)`] : []),
      ];
      add(
        `- N = 100 members, \`pulumi up\`, ${describe(c)}: ${fmtS(t)} s; ${comparisons.join("; ")}.`,
      );
    }
    const tofu = s100.contenders.tofu;
    if (tofu && !tofu.error) {
      add(
        `- N = 100 members, OpenTofu with terraform-provider-openstack (\`openstack_images_image_access_v2\`, \`count\`): \`tofu apply\` ${fmtS(m("tofu"))} s, with nothing to do ${fmtS(m("tofu", "noop"))} s, \`tofu plan\` ${fmtS(m("tofu", "preview"))} s, \`tofu destroy\` ${fmtS(m("tofu", "destroy"))} s; state ${tofu.state?.bytesPerMember ?? "–"} B per member.`,
      );
    }
    if (m("plugin") !== undefined || m("yaml") !== undefined) {
      add(
        `- N = 100 members, \`pulumi up\`, the provider plugin's ImageMember: ${fmtS(m("plugin"))} s from a Node.js program, ${fmtS(m("yaml"))} s from a YAML program (the dynamic ImageMember installed as a package: ${fmtS(m("package"))} s).`,
      );
    }
    add(
      `- N = 100, \`pulumi destroy\`: repository ${fmtS(m("ours", "destroy"))} s, package ${fmtS(m("package", "destroy"))} s, ImageMembers ${fmtS(m("members", "destroy"))} s; bridged ${fmtS(m("bridged", "destroy"))} s; CLI loop ${fmtS(m("cli", "destroy"))} s; floor ${fmtS(m("floor", "destroy"))} s.`,
    );
  }
  const s200 = results.find((r) => r.images === 1 && r.perImage === 200) ?? s100;
  if (s200) {
    const st = (c: ContenderName) => s200.contenders[c]?.state?.bytesPerMember ?? "–";
    const peak = (c: ContenderName) => s200.contenders[c]?.peakRssMb ?? "–";
    const one = (c: ContenderName) => {
      const f = s200.contenders[c]?.state;
      const without = f?.memberResourceBytesWithoutStackTrace;
      return !f
        ? "not measured"
        : `${f.memberResourceBytes} B${without === undefined ? "" : ` (${without} B without its stack trace)`}`;
    };
    add(
      `- ${s200.label}: state ${st("ours")} B per member from the repository, ${st("package")} B installed as a package, ${st("members")} B with one ImageMembers, ${st("plugin")} B with the provider plugin's ImageMember from Node.js, ${st("yaml")} B from YAML, ${st("bridged")} B bridged; provider process peak ${peak("ours")} MB (package ${peak("package")} MB, ImageMembers ${peak("members")} MB, plugin ${peak("plugin")} MB, bridged ${peak("bridged")} MB).`,
      `- One ImageMember in state (${s200.label}, \`stack export\`): the dynamic resource installed as a package ${one("package")}; the provider plugin's from a Node.js program ${one("plugin")}, from a YAML program ${one("yaml")}. Issue 14's target for the plugin's is ${pluginStateTargetBytes} B (see the targets).`,
    );
  }

  // Issue 30: what is ours once Pulumi's floor and the API's are taken off.
  for (const [c, floor] of Object.entries(pulumiFloorOf) as [ContenderName, ContenderName][]) {
    const parts = results.flatMap((s) => {
      const known = shareOps.flatMap((op) => {
        const x = ourShare(s, c, op);
        return x ? [`${op} ${shareText(x)} of ${fmtS(x.total)} s`] : [];
      });
      return known.length ? [`${s.label}: ${known.join(", ")}`] : [];
    });
    if (parts.length)
      add(
        `- Our share, ${describe(c)} (its time less Pulumi's floor, ${floor}, and the API floor): ${parts.join("; ")}.`,
      );
  }

  add("", "## Targets (issues 7, 14, 22 and 30)", "");
  for (const t of targets) {
    // Summaries merged before issue 29 hold targets a later run could not evaluate again.
    const again = /^not evaluated again: (.)(.*)$/s.exec(t.measured);
    const unmet = again ? "not evaluated again" : "not measured";
    const label = t.met === true ? "**met**" : t.met === false ? "**not met**" : unmet;
    add(`- ${label}: ${t.target}. ${again ? again[1].toUpperCase() + again[2] : t.measured}.`);
  }

  /** A table: one row per scenario and contender `row` gives cells for. */
  type Row = (r: ContenderSummary, s: ScenarioSummary, c: ContenderName) => unknown[] | undefined;
  const table = (head: string[], contenders: ContenderName[], row: Row) => {
    add("", `| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`);
    for (const s of results) {
      for (const c of contenders) {
        const r = s.contenders[c];
        const cells = r && row(r, s, c);
        if (cells) add(`| ${[s.label, c, ...cells].join(" | ")} |`);
      }
    }
  };
  const opColumns = ["scenario", "contender", "up", "no-op up", "preview", "refresh", "destroy"];
  add("", "## Wall time (median seconds)", "");
  add(
    `Engine contenders run \`up\` (create), \`up\` again (no change), \`preview\`, \`refresh\` and \`destroy\` ${report.options.repeats}× per size${scaleText(report.options)}; the floor sends the same requests (POST, GET, DELETE per member) with ${machine.engineParallelism}-way concurrency (Pulumi's default \`--parallel\`, 4 × CPUs) and one token taken before timing; the CLI loop runs \`openstack image add project\` / \`remove project\` per member and, above ${report.options.cliSample} members, times ${report.options.cliSample} calls and multiplies their median by N.`,
  );
  table(opColumns, allContenders, (r) =>
    r.error
      ? [`error: ${r.error.replace(/\|/g, "/").slice(0, 120)}`, "", "", "", ""]
      : ops.map((op) => fmtS(r.medians[op]?.median)),
  );
  const shareCells = (s: ScenarioSummary, c: ContenderName) =>
    ops.map((op) => ourShare(s, c, op)).some(Boolean)
      ? ops.map((op) => {
          const x = ourShare(s, c, op);
          return x
            ? `${fmtS(x.pulumi)} + ${fmtS(x.api)} + ${fmtS(x.ours)} (${Math.round(100 * x.part)} %)`
            : "–";
        })
      : undefined;
  const shared = Object.keys(pulumiFloorOf) as ContenderName[];
  if (results.some((s) => shared.some((c) => shareCells(s, c)))) {
    add("", "## Pulumi's share + the API's + ours (median seconds)", "");
    add(
      `Each median as Pulumi's floor + the API floor + ours (ours as part of the row). Pulumi's floor is the empty program of the contender's language, or a no-op dynamic resource per member that sends no request (${Object.entries(
        pulumiFloorOf,
      )
        .map(([c, f]) => `${c}: ${f}`)
        .join(", ")}); the API floor is \`floor\`, the same requests sent straight to Glance.`,
    );
    table(opColumns, shared, (r, s, c) => (r.error ? undefined : shareCells(s, c)));
  }
  add("", "## Where the time goes: CPU seconds of `pulumi up` (create), medians", "");
  add(
    "The provider process, the Pulumi program (language host's Node.js) and the engine (the `pulumi` CLI, which also writes the checkpoint after every step: its cost grows with the state's size). On two shared cores the wall time is mostly these CPU seconds.",
  );
  table(
    ["scenario", "contender", "wall", "provider CPU", "program CPU", "engine CPU"],
    engineContenders,
    ({ upCpu: u }) => u && [fmtS(u.wall), fmtS(u.provider), fmtS(u.program), fmtS(u.engine)],
  );
  add("", "## Requests per operation (counted at the server side), first run", "");
  add(
    "Glance / Keystone token requests (POST /v3/auth/tokens) / all Keystone requests, and, where measured, / the token validations Glance asked Keystone for (GET /v3/auth/tokens in the local Keystone's log).",
  );
  table(opColumns, allContenders, (r) =>
    r.error
      ? undefined
      : ops.map((op) => {
          const x = r.firstRequests[op];
          const validations = x?.validations === undefined ? "" : ` / ${x.validations}`;
          return x ? `${x.glance} / ${x.keystoneAuths} / ${x.keystone}${validations}` : "–";
        }),
  );
  add("", "## State and memory", "");
  add(
    "Bytes per member: `stack export` bytes divided by the members, then the same with the stack trace the engine records for every resource (`sourcePosition`, `stackTrace`) removed. One member resource: its entry in the export, then without its stack trace (frames in it). '–': not measured by the run these figures come from.",
  );
  const or = (v: number | undefined) => (v === undefined ? "–" : String(v));
  table(
    [
      "scenario",
      "contender",
      "`stack export` bytes",
      "bytes per member",
      "without stack traces",
      "one member resource",
      "without its stack trace (frames)",
      "`__provider` bytes × copies",
      "provider peak RSS (MB, max over ops)",
    ],
    engineContenders,
    ({ state: f, error, peakRssMb }) =>
      f && !error
        ? [
            f.exportBytes,
            f.bytesPerMember,
            or(f.bytesPerMemberWithoutStackTraces),
            f.memberResourceBytes,
            or(f.memberResourceBytesWithoutStackTrace) +
              (f.stackTraceFrames === undefined ? "" : ` (${f.stackTraceFrames})`),
            f.providerBytes ? `${f.providerBytes} × ${f.providerCopiesPerMember}` : "none",
            peakRssMb || "–",
          ]
        : undefined,
  );

  add(
    "",
    "## Notes",
    "",
    ...notes.map((n) => `- ${n}`),
    "",
    "## Glance",
    "",
    `All contenders talked to ${report.glance}.`,
    "",
    "## Bridged provider",
    "",
  );
  add(
    bridged.available
      ? `\`${bridged.sdk}\` with the plugin \`pulumi-resource-openstack\` ${bridged.pluginVersion ?? ""}, built on another machine, outside this project: the Go module proxy refuses \`github.com/pulumi/pulumi-openstack/provider/v5\` itself (its dependencies, pulumi-terraform-bridge and terraform-provider-openstack, are served). The npm registry here offers \`@pulumi/openstack\` 3.14.0 and 3.15.2 only; the engine runs the v5 plugin found on PATH for it (the resource type \`openstack:images/imageAccess:ImageAccess\` is the same).`
      : `Not measured: ${bridged.reason ?? "not selected"}.`,
  );
  add(
    "",
    "## Machine",
    "",
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${JSON.stringify(v)}`),
    "",
  );
  if (merged?.length) {
    add(
      "## Merged runs",
      "",
      "A full run takes the time given under 'Running it', and its bridged contender a plugin built elsewhere; these later runs measured only the contenders named, and their figures (every scenario, and the targets they could evaluate) were put in place of the full run's (`--merge-into`, an option of the benchmark until issue 29).",
      "",
    );
    for (const m of merged) {
      const { sizes, images, repeats } = m.options;
      add(
        `- ${m.contenders.join(", ")}: \`${m.command}\`, ${m.startedAt.slice(0, 16).replace("T", " ")} to ${m.finishedAt.slice(11, 16)} UTC; sizes ${[...sizes, ...[images ?? []].flat().map((x) => `${x.count}x${x.perImage}`)].join(", ")}, ${plural(repeats, "repeat")}; ${m.machine.pulumiCli}, Node ${m.machine.node}, load average ${JSON.stringify(m.machine.loadAverageAtStart)} at the start, ${JSON.stringify(m.machine.loadAverageAtEnd)} at the end; Glance: ${m.glance}${m.packageTarball ? `; package ${m.packageTarball}` : ""}.`,
      );
    }
    add("");
  }
  const minutes = Math.round(
    (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000,
  );
  const run = "node -r ts-node/register/transpile-only bench/run.ts";
  add(
    "## Running it",
    "",
    "```",
    "bash scripts/local-cloud.sh up && bash scripts/pulumi-cli.sh ensure && bash scripts/tofu.sh ensure",
    "PIM_BRIDGED_OPENSTACK_BIN=<folder with pulumi-resource-openstack>   # optional: the bridged contender",
    `${run}            # full: ${minutes} min here`,
    `${run} --contenders ours,tofu --sizes 100 --out /tmp/bench  # a few contenders, elsewhere`,
    `${run} --from-results docs/benchmarks/summary.json  # redraw only`,
    `${run} --smoke    # CI: N=10, ours + plugin + floor + tofu`,
    "```",
    "",
    "Here: this README and `summary.json` (medians with min and max, first-run request counts, state, memory, targets), from which `--from-results` redraws the README. Every sample of a run goes to `bench/out/results.json` (`--raw FILE`), which git ignores; `--from-results` takes it too, and evaluates the targets again. The machine is shared and small: figures are medians and still move by 10–30 % between runs.",
    "",
  );
  return out.join("\n");
}

const notes = [
  "All engine contenders run under the same Pulumi CLI with `--parallel` left at its default and `--diff` on `up`; times include starting the program and the provider process (about 1.5–2 s of every operation here).",
  "The bridged provider reads each membership back after creating it: 2 Glance requests per member created, ours 1. Its plugin cannot be built here (see 'Bridged provider'): its figures come from a run with a plugin built on another machine, and the headline names the run they come from; `tofu` is the peer every run measures.",
  "`tofu` is OpenTofu with terraform-provider-openstack, both built from Go modules by `scripts/tofu.sh` (no registry: a `dev_overrides` CLI configuration), applying `openstack_images_image_access_v2` with `count` at OpenTofu's default parallelism (10), the owner's credentials as `OS_*` variables (bench/tofu.ts). Its columns: up `tofu apply`, no-op up the same with nothing to do (its plan reads every member back first: OpenTofu refreshes before planning by default), preview `tofu plan`, refresh `tofu apply -refresh-only`, destroy `tofu destroy`. Its state is terraform.tfstate (bytes per member: the file's bytes divided by N; one member resource: one instance of the counted resource); it has no program process.",
  "Bytes per member are `stack export` bytes divided by N. The engine records, for every resource whatever its provider, the stack trace the language host sends when the program declares it: frames of the program and of `@pulumi/pulumi` for a Node.js program, frames of the YAML host's own Go code for a YAML program; the 'without' columns leave it out.",
  "`plugin` and `yaml` run the provider plugin `imagemembers` from the repository's `bin/` and `dist/` (the files the package ships), found through `plugins.providers` in the program's Pulumi.yaml, with the owner's credentials as `OS_*` variables (the plugin reads no stack config): `plugin` is a Node.js program declaring `imagemembers:index:ImageMember` by type token (bench/program-plugin), `yaml` a `runtime: yaml` program listing every member; its 'program CPU' is the YAML language host's, which also starts a plugin process of its own to read the schema it checks the program against (so `up`, no-op `up` and `preview` show two plugin processes; that one sends no request, and the CPU column adds both).",
  "The repository figures load the provider from TypeScript sources (ts-node) and serialize it by value; the package figures are what a user of the published package gets.",
  "`members` is the installed package with one `ImageMembers` per image holding all its member ids (one engine step and one state entry per image); its 'one member resource' column is one ImageMembers resource.",
  "Pulumi's floor (issue 30): `emptyTs` is bench/program-floor without config (a TypeScript program declaring nothing: `up` and `destroy` of the stack alone), `noopDynamic` the same program declaring one no-op dynamic resource per member (its provider answers create and delete at once and sends no request), `emptyYaml` a `runtime: yaml` program declaring nothing. `membersYaml` is the provider plugin's ImageMembers, one per image, from YAML. Our share is a row less its floor and the API floor; the ImageMembers rows' floor is the empty program, so the start of the provider process they need (from YAML also the one its host starts to read the schema) is counted in our share.",
  "The machine is shared with other work: each sample records the 1-minute load average (`load1` in the run's results file).",
];
