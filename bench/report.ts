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
  providerContenders,
  pulumiFloorOf,
  ratioText,
  shareText,
} from "./targets";

/** The run's options the report keeps; the MxN scenarios may have fewer contenders or repeats. */
export interface RunOptions {
  sizes: number[];
  images: { count: number; perImage: number }[];
  contenders: ContenderName[];
  repeats: number;
  scaleContenders: ContenderName[];
  scaleRepeats: number;
}

/** The machine the benchmark ran on (bench/run.ts describes it). */
export type Machine = Record<string, unknown> & {
  engineParallelism: number;
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

type FirstRequests = Record<"glance" | "keystoneAuths" | "keystone", number> & {
  validations?: number;
};

export interface ContenderSummary {
  medians: Partial<Record<OpName, Stats>>;
  /** Of the first run of each operation: Glance requests, token requests, all Keystone requests. */
  firstRequests: Partial<Record<OpName, FirstRequests>>;
  /** `pulumi up` (create): medians of wall and CPU seconds; absent when `up` has no sample. */
  upCpu?: { wall?: number; provider?: number; program?: number; engine?: number };
  /** The provider process's peak RSS over every sample, 0 when none was read. */
  peakRssMb?: number;
  state?: StateFigures;
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
}

/** The end of a run: when it finished, the load then, and the targets on every sample. */
export function finishReport(report: Report): void {
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, report.options.contenders);
}

/** The summary of a run's results, with the targets evaluated on them (finishReport). */
function summarize(report: Report): Summary {
  // The bridged provider's temporary folders mean nothing after the run.
  const { available, reason, pluginVersion, sdk } = report.bridged;
  const results = report.results.map(({ contenders: measured, ...scenario }) => {
    const summaries: ScenarioSummary["contenders"] = {};
    for (const [c, r] of Object.entries(measured) as [ContenderName, ContenderResult][]) {
      const firstRequests: ContenderSummary["firstRequests"] = {};
      for (const op of ops) {
        const x = r.samples[op]?.[0];
        if (!x) continue;
        const { glanceTotal: glance, keystoneAuths, keystoneTotal: keystone } = x;
        firstRequests[op] = { glance, keystoneAuths, keystone, validations: x.keystoneValidations };
      }
      const peaks = ops.flatMap((op) => (r.samples[op] ?? []).map((x) => x.providerPeakRssMb ?? 0));
      const peakRssMb = peaks.length ? Math.max(...peaks) : undefined;
      const { medians, note, error, state } = r;
      summaries[c] = { medians, firstRequests, upCpu: upCpuOf(r), peakRssMb, state, note, error };
    }
    return { ...scenario, contenders: summaries };
  });
  const bridged = { available, reason, pluginVersion, sdk };
  return { kind: "pim-bench-summary", ...report, bridged, results };
}

/** A results file or a summary; a results file's targets evaluated again (new ones included). */
export function readResults(file: string): Report | Summary {
  const from = JSON.parse(fs.readFileSync(file, "utf8")) as Report | Summary;
  if (!from.options.scaleContenders) {
    throw new Error(`${file} is of a shape before --scale-contenders: run the benchmark again`);
  }
  if ("kind" in from) return from;
  return { ...from, targets: evaluateTargets(from.results, from.options.contenders) };
}

/**
 * Writes summary.json and README.md into `out`, from a run's results file or from a summary
 * (`--from-results FILE`: measuring nothing; from a summary the targets are those it holds).
 */
export function writeReport(from: Report | Summary, out: string): Summary {
  const summary = "kind" in from ? from : summarize(from);
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
function compactJson(value: unknown, indent = ""): string {
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
  const q = (v: unknown) => v ?? "?";
  const first = (c: ContenderName, op: OpName) => s?.contenders[c]?.samples[op]?.[0];
  const times = (c: ContenderName, sep: string) =>
    ops.map((op) => `${op} ${fmtS(first(c, op)?.seconds)} s`).join(sep);
  const glance = (c: ContenderName, list: OpName[] = ["up", "noop", "preview", "destroy"]) =>
    list.map((op) => q(first(c, op)?.glanceTotal)).join("/");
  const [ours, plugin, tofu] = (["ours", "plugin", "tofu"] as const).map((c) => s?.contenders[c]);
  const state = (r: ContenderResult | undefined): Partial<StateFigures> => r?.state ?? {};
  const [o, p] = [state(ours), state(plugin)];
  return [
    `bench smoke ${q(s?.label)}:`,
    times("ours", " "),
    `(floor up ${fmtS(first("floor", "up")?.seconds)} s);`,
    `Glance up/noop/preview/destroy ${glance("ours")};`,
    `Keystone auths up ${q(first("ours", "up")?.keystoneAuths)};`,
    `state ${q(o.bytesPerMember)} B/member (${q(o.bytesPerMemberWithoutStackTraces)} B without stack traces; __provider ${q(o.providerBytes)} B);`,
    `provider peak ${q(first("ours", "up")?.providerPeakRssMb)} MB;`,
    plugin &&
      `plugin: ${times("plugin", ", ")}; Glance up/noop/preview/destroy ${glance("plugin")}; ` +
        `state ${q(p.bytesPerMember)} B/member (${q(p.bytesPerMemberWithoutStackTraces)} B without stack traces), ` +
        `one ImageMember ${q(p.memberResourceBytes)} B (${q(p.memberResourceBytesWithoutStackTrace)} B without its stack trace);`,
    tofu &&
      `tofu: ${times("tofu", ", ")}; Glance ${glance("tofu", ops)}; state ${q(state(tofu).bytesPerMember)} B/member;`,
    report.harnessProblems.length
      ? `HARNESS BROKEN: ${report.harnessProblems.join("; ")}`
      : "harness OK",
  ]
    .filter(Boolean)
    .join(" ");
}

/** docs/benchmarks/README.md, written from a run's summary. */
export function readme(report: Summary): string {
  const { results, machine, targets, bridged, options } = report;
  const out: string[] = [];
  const add = (...lines: string[]) => out.push(...lines);
  add(
    "# Benchmarks",
    "",
    `Generated by \`bench/run.ts\` (issue 7); do not edit by hand, run the benchmark again. Measured ${report.finishedAt.slice(0, 10)} with \`${report.command}\`.`,
    "",
    "## Headline",
    "",
  );
  const s100 = results.find((r) => r.images === 1 && r.perImage === 100);
  for (const c of s100 ? providerContenders : []) {
    const t = med(s100, c, "up");
    if (t === undefined) continue;
    const floor = med(s100, "floor", "up");
    const vs = ([other, name]: [ContenderName, string]) => {
      const theirs = med(s100, other, "up");
      return theirs === undefined
        ? `${name}: not measured`
        : `${ratioText(t, theirs)} than ${name} (${fmtS(theirs)} s)`;
    };
    const peers: [ContenderName, string][] = [
      ["tofu", "OpenTofu"],
      ["bridged", "the bridged provider"],
    ];
    const times = floor ? `; ${(t / floor).toFixed(1)}× the floor (${fmtS(floor)} s)` : "";
    add(
      `- N = 100 members, \`pulumi up\`, ${describe(c)}: ${fmtS(t)} s; ${peers.map(vs).join("; ")}${times}.`,
    );
  }
  // Issue 30: our share of each ImageMembers `up`, and the scale rows, beside the N = 100 lines.
  for (const c of ["members", "membersYaml"] as const) {
    const each = results.flatMap((s) => {
      const x = ourShare(s, c, "up");
      return x ? [`${s.label} ${shareText(x)} of ${fmtS(x.total)} s`] : [];
    });
    if (each.length) add(`- Our share of \`pulumi up\`, ${describe(c)}: ${each.join("; ")}.`);
  }
  for (const s of results.filter((r) => r.images > 1)) {
    const each = ["membersYaml", "members", "package", "plugin", "tofu"].flatMap((c) => {
      const t = med(s, c as ContenderName, "up");
      return t === undefined ? [] : [`${c} ${fmtS(t)} s`];
    });
    if (each.length) add(`- ${s.label} memberships (${s.total}), \`up\`: ${each.join(", ")}.`);
  }
  add("", "## Targets (issues 7, 14, 22 and 30)", "");
  for (const t of targets) {
    const label = t.met === true ? "**met**" : t.met === false ? "**not met**" : "not measured";
    add(`- ${label}: ${t.target}. ${t.measured}.`);
  }

  /** A table: one row per scenario and contender `row` gives cells for. */
  type Row = (r: ContenderSummary, s: ScenarioSummary, c: ContenderName) => unknown[] | undefined;
  const table = (
    title: string,
    text: string,
    head: string[],
    contenders: ContenderName[],
    row: Row,
  ) => {
    add(
      "",
      `## ${title}`,
      "",
      text,
      "",
      `| ${head.join(" | ")} |`,
      `| ${head.map(() => "---").join(" | ")} |`,
    );
    for (const s of results) {
      for (const c of contenders) {
        const r = s.contenders[c];
        const cells = r && row(r, s, c);
        if (cells) add(`| ${[s.label, c, ...cells].join(" | ")} |`);
      }
    }
  };
  const columns = (head: string) => ["scenario", "contender", ...head.split("|")];
  const opColumns = columns("up|no-op up|preview|refresh|destroy");
  const { repeats, contenders, scaleContenders, scaleRepeats } = options;
  const fewer =
    scaleContenders.length < contenders.length ? ` and only ${scaleContenders.join(", ")}` : "";
  const scale =
    fewer || scaleRepeats !== repeats ? ` (the MxN scenarios ${scaleRepeats}×${fewer})` : "";
  table(
    "Wall time (median seconds)",
    `Engine contenders run \`up\` (create), \`up\` again (no change), \`preview\`, \`refresh\` and \`destroy\` ${repeats}× per size${scale}; the floor sends the same requests (POST, GET, DELETE per member) with ${machine.engineParallelism}-way concurrency (Pulumi's default \`--parallel\`, 4 × CPUs) and one token taken before timing.`,
    opColumns,
    allContenders,
    (r) =>
      r.error
        ? [`error: ${r.error.replace(/\|/g, "/").slice(0, 120)}`, "", "", "", ""]
        : ops.map((op) => fmtS(r.medians[op]?.median)),
  );
  const shared = Object.keys(pulumiFloorOf) as ContenderName[];
  const floors = Object.entries(pulumiFloorOf).map(([c, f]) => `${c}: ${f}`);
  if (results.some((s) => shared.some((c) => ourShare(s, c, "up")))) {
    table(
      "Pulumi's share + the API's + ours (median seconds)",
      `Each median as Pulumi's floor + the API floor + ours (ours as part of the row). Pulumi's floor is the empty program of the contender's language, or a no-op dynamic resource per member that sends no request (${floors.join(", ")}); the API floor is \`floor\`, the same requests sent straight to Glance.`,
      opColumns,
      shared,
      (r, s, c) => {
        const cells = ops.map((op) => ourShare(s, c, op));
        return r.error || !cells.some(Boolean)
          ? undefined
          : cells.map((x) =>
              x
                ? `${fmtS(x.pulumi)} + ${fmtS(x.api)} + ${fmtS(x.ours)} (${Math.round(100 * x.part)} %)`
                : "–",
            );
      },
    );
  }
  table(
    "Where the time goes: CPU seconds of `pulumi up` (create), medians",
    "The provider process, the Pulumi program (language host's Node.js) and the engine (the `pulumi` CLI, which also writes the checkpoint after every step: its cost grows with the state's size). On two shared cores the wall time is mostly these CPU seconds.",
    columns("wall|provider CPU|program CPU|engine CPU"),
    engineContenders,
    ({ upCpu: u }) => u && [fmtS(u.wall), fmtS(u.provider), fmtS(u.program), fmtS(u.engine)],
  );
  table(
    "Requests per operation (counted at the server side), first run",
    "Glance / Keystone token requests (POST /v3/auth/tokens) / all Keystone requests, and, where measured, / the token validations Glance asked Keystone for (GET /v3/auth/tokens in the local Keystone's log).",
    opColumns,
    allContenders,
    (r) =>
      r.error
        ? undefined
        : ops.map((op) => {
            const x = r.firstRequests[op];
            const validations = x?.validations === undefined ? "" : ` / ${x.validations}`;
            return x ? `${x.glance} / ${x.keystoneAuths} / ${x.keystone}${validations}` : "–";
          }),
  );
  const or = (v: number | undefined) => (v === undefined ? "–" : String(v));
  table(
    "State and memory",
    "Bytes per member: `stack export` bytes divided by the members, then the same with the stack trace the engine records for every resource (`sourcePosition`, `stackTrace`) removed. One member resource: its entry in the export, then without its stack trace (frames in it).",
    columns(
      "`stack export` bytes|bytes per member|without stack traces|one member resource|without its stack trace (frames)|`__provider` bytes × copies|provider peak RSS (MB, max over ops)",
    ),
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
  const minutes = Math.round(
    (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000,
  );
  add(
    "",
    "## Glance, the bridged provider, the machine",
    "",
    `- All contenders talked to ${report.glance}.`,
    bridged.available
      ? `- The bridged provider: \`${bridged.sdk}\` with the plugin \`pulumi-resource-openstack\` ${bridged.pluginVersion ?? ""}, built elsewhere (method.md says why).`
      : `- The bridged provider: not measured: ${bridged.reason ?? "not selected"}.`,
    `- The run took ${minutes} min.`,
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${JSON.stringify(v)}`),
    "",
    "How each contender is made and measured, and how to run the benchmark: [method.md](method.md).",
    "",
  );
  return out.join("\n");
}
