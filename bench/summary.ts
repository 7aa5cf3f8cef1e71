/**
 * What docs/benchmarks/ keeps of a run: per scenario and contender the medians (with min, max
 * and count), the first run's request counts, the CPU split of `up`, the state figures and the
 * provider's peak memory, and the targets evaluated on every sample. The README and the chart
 * are drawn from it alone; every sample stays in the run's git-ignored results file.
 */
import * as fs from "fs";
import { ScenarioResult, StateFigures, Stats, stats } from "./measure";
import { ContenderName, OpName, Options, ops } from "./options";
import type { Report } from "./report";
import { evaluateSpeedTargets } from "./speedTargets";
import { Target, evaluateTargets, targetContenders } from "./targets";

export interface ContenderSummary {
  medians: Partial<Record<OpName, Stats>>;
  /** Of the first run of each operation: Glance requests, token requests, all Keystone requests. */
  firstRequests: Partial<
    Record<OpName, { glance: number; keystoneAuths: number; keystone: number }>
  >;
  /** `pulumi up` (create): medians of wall and CPU seconds; absent when `up` has no sample. */
  upCpu?: { wall?: number; provider?: number; program?: number; engine?: number };
  /** The provider process's peak RSS over every sample, 0 when none was read. */
  peakRssMb?: number;
  state?: Omit<StateFigures, "exampleMember">;
  note?: string;
  error?: string;
}

export interface ScenarioSummary {
  label: string;
  images: number;
  perImage: number;
  total: number;
  contenders: Partial<Record<ContenderName, ContenderSummary>>;
}

export interface Summary {
  kind: "pim-bench-summary";
  command: string;
  startedAt: string;
  finishedAt: string;
  options: Pick<Options, "sizes" | "images" | "contenders" | "repeats" | "cliSample">;
  machine: Report["machine"];
  bridged: Omit<Report["bridged"], "dir" | "binDir">;
  glance: string;
  packageTarball?: string;
  results: ScenarioSummary[];
  targets: Target[];
  harnessProblems: string[];
  /** Later runs of a few contenders merged in (--merge-into), each naming the contenders it gave. */
  merged?: MergedRun[];
}

/** A run merged into a summary: its contenders' figures replaced those of the summary's run. */
export interface MergedRun {
  command: string;
  startedAt: string;
  finishedAt: string;
  options: Summary["options"];
  machine: Report["machine"];
  glance: string;
  packageTarball?: string;
  /** The contenders whose figures (every scenario) now come from this run. */
  contenders: ContenderName[];
}

function medianOf(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? stats(defined).median : undefined;
}

function summarizeScenario(s: ScenarioResult): ScenarioSummary {
  const contenders: ScenarioSummary["contenders"] = {};
  for (const [c, r] of Object.entries(s.contenders) as [
    ContenderName,
    typeof s.contenders.ours,
  ][]) {
    if (!r) continue;
    const summary: ContenderSummary = { medians: r.medians, firstRequests: {} };
    for (const op of ops) {
      const first = r.samples[op]?.[0];
      if (first) {
        summary.firstRequests[op] = {
          glance: first.glanceTotal,
          keystoneAuths: first.keystoneAuths,
          keystone: first.keystoneTotal,
        };
      }
    }
    const up = r.samples.up ?? [];
    if (up.length) {
      summary.upCpu = {
        wall: medianOf(up.map((x) => x.seconds)),
        provider: medianOf(up.map((x) => x.providerCpuSeconds)),
        program: medianOf(up.map((x) => x.programCpuSeconds)),
        engine: medianOf(up.map((x) => x.engineCpuSeconds)),
      };
    }
    const peaks = ops.flatMap((op) => (r.samples[op] ?? []).map((x) => x.providerPeakRssMb ?? 0));
    if (peaks.length) summary.peakRssMb = Math.max(...peaks);
    if (r.state) {
      summary.state = { ...r.state };
      delete (summary.state as StateFigures).exampleMember;
    }
    if (r.note) summary.note = r.note;
    if (r.error) summary.error = r.error;
    contenders[c] = summary;
  }
  const { label, images, perImage, total } = s;
  return { label, images, perImage, total, contenders };
}

/** The summary of a run's report; the targets are evaluated on every sample. */
export function summarize(report: Report): Summary {
  const { sizes, images, contenders, repeats, cliSample } = report.options;
  // The bridged provider's temporary folders mean nothing after the run.
  const { available, reason, pluginVersion, sdk } = report.bridged;
  return {
    kind: "pim-bench-summary",
    command: report.command,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    options: { sizes, images, contenders, repeats, cliSample },
    machine: report.machine,
    bridged: { available, reason, pluginVersion, sdk },
    glance: report.glance,
    ...(report.packageTarball ? { packageTarball: report.packageTarball } : {}),
    results: report.results.map(summarizeScenario),
    targets: [
      ...evaluateTargets(report.results, report.options),
      ...evaluateSpeedTargets(report.results.map(summarizeScenario), () =>
        report.finishedAt.slice(0, 10),
      ),
    ],
    harnessProblems: report.harnessProblems,
  };
}

/** JSON with two-space indentation, but every object or array of plain values on one line. */
export function compactJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Array.isArray(value)
    ? value.map((v) => [undefined, v] as const)
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const flat = entries.every(([, v]) => v === null || typeof v !== "object");
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return `${open}${close}`;
  const inner = indent + "  ";
  const item = ([k, v]: readonly [string | undefined, unknown], at: string) =>
    `${k === undefined ? "" : `${JSON.stringify(k)}: `}${compactJson(v, at)}`;
  if (flat) return `${open}${entries.map((e) => item(e, inner)).join(", ")}${close}`;
  return `${open}\n${entries.map((e) => inner + item(e, inner)).join(",\n")}\n${indent}${close}`;
}

/** A summary.json, for --merge-into. */
export function readSummary(file: string): Summary {
  const read = JSON.parse(fs.readFileSync(file, "utf8")) as Summary;
  if (read.kind !== "pim-bench-summary") throw new Error(`${file} is not a benchmark summary.json`);
  return read;
}

/**
 * `base` with the contenders `later` measured taken from `later`: their entries in every
 * scenario (a scenario `later` did not run loses them), and the targets `later` could
 * evaluate. Everything else stays as `base` measured it; `merged` records the later run.
 */
export function mergeSummaries(base: Summary, later: Summary): Summary {
  const taken = later.options.contenders.filter((c) =>
    later.results.some((r) => r.contenders[c] !== undefined),
  );
  const results: ScenarioSummary[] = base.results.map((r) => {
    const contenders = { ...r.contenders };
    for (const c of taken) delete contenders[c];
    const same = later.results.find((l) => l.label === r.label);
    for (const c of taken) if (same?.contenders[c]) contenders[c] = same.contenders[c];
    return { ...r, contenders };
  });
  for (const l of later.results) {
    if (!results.some((r) => r.label === l.label)) results.push(l);
  }
  // A target of the base run comparing a contender whose figures are replaced, which the
  // later run could not evaluate, no longer describes the figures shown: it says so.
  const targets = base.targets.map((t): Target => {
    const replaced = targetContenders(t.id).filter((c) => taken.includes(c));
    if (replaced.length === 0) return t;
    return {
      ...t,
      met: null,
      measured:
        `not evaluated again: the figures of ${replaced.join(", ")} now come from the run of ` +
        `${later.finishedAt.slice(0, 10)}, which did not measure everything this compares ` +
        `(the run of ${base.finishedAt.slice(0, 10)} measured: ${/^not evaluated again: .*?measured: (.*)\)$/s.exec(t.measured)?.[1] ?? t.measured})`,
    };
  });
  for (const t of later.targets) {
    if (t.met === null) continue;
    const i = targets.findIndex((x) => x.id === t.id);
    if (i >= 0) targets[i] = t;
    else targets.push(t);
  }
  const earlier = (base.merged ?? [])
    .map((m) => ({ ...m, contenders: m.contenders.filter((c) => !taken.includes(c)) }))
    .filter((m) => m.contenders.length > 0);
  const run: MergedRun = {
    command: later.command,
    startedAt: later.startedAt,
    finishedAt: later.finishedAt,
    options: later.options,
    machine: later.machine,
    glance: later.glance,
    ...(later.packageTarball ? { packageTarball: later.packageTarball } : {}),
    contenders: taken,
  };
  // Issue 22's targets compare medians only: evaluated again on the merged figures, each
  // naming the run its contenders' figures come from.
  const merged = [...earlier, run];
  const runOf = (c: ContenderName) =>
    (
      [...merged].reverse().find((m) => m.contenders.includes(c))?.finishedAt ?? base.finishedAt
    ).slice(0, 10);
  const speed = evaluateSpeedTargets(results, runOf);
  return {
    ...base,
    results,
    targets: [...targets.filter((t) => !speed.some((x) => x.id === t.id)), ...speed],
    harnessProblems: [...base.harnessProblems, ...later.harnessProblems],
    merged,
  };
}
