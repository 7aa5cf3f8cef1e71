/**
 * The report: what a run's results file holds (every sample; bench/out/results.json, not
 * committed), the files written to docs/benchmarks/ from its summary, and the smoke line.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BarGroup, Panel, renderChart } from "./chart";
import { describeMachine } from "./machine";
import { ScenarioResult, Stats, fmtS, log } from "./measure";
import { ContenderName, OpName, Options, allContenders, opTitles, ops } from "./options";
import { BridgedOutcome } from "./projects";
import { readme } from "./readme";
import {
  ScenarioSummary,
  Summary,
  compactJson,
  mergeSummaries,
  readSummary,
  summarize,
} from "./summary";
import { Target, med } from "./targets";

export const contenderLabels: Record<ContenderName, string> = {
  ours: "pulumi-image-members (repo)",
  package: "pulumi-image-members (npm package)",
  members: "ImageMembers (package)",
  plugin: "provider plugin ImageMember (Node.js program)",
  yaml: "provider plugin ImageMember (YAML program)",
  floor: "floor (direct API, same concurrency)",
  cli: "openstack CLI loop",
  bridged: "bridged @pulumi/openstack ImageAccess (plugin built on another machine)",
  tofu: "OpenTofu + terraform-provider-openstack (count)",
};
export const contenderColors: Record<ContenderName, string> = {
  ours: "#1f77b4",
  package: "#17becf",
  members: "#9467bd",
  plugin: "#8c564b",
  yaml: "#e377c2",
  floor: "#2ca02c",
  cli: "#d62728",
  bridged: "#ff7f0e",
  tofu: "#7f7f7f",
};

export function chartOf(
  results: ScenarioSummary[],
  machine: ReturnType<typeof describeMachine>,
): string {
  const single = results.filter((r) => r.images === 1);
  const xs = single.map((r) => r.total);
  const panels: Panel[] = ops.map((op) => ({
    title: opTitles[op],
    series: allContenders
      .map((c) => ({
        contender: c,
        label: contenderLabels[c] + (c === "cli" ? " (sampled)" : ""),
        color: contenderColors[c],
        dashed: c === "floor" || c === "cli",
        points: single
          .map((r) => [r.total, med(r, c, op)] as [number, number | undefined])
          .filter((p): p is [number, number] => p[1] !== undefined),
      }))
      .filter((s) => s.points.length > 0),
  }));
  const multi = results.find((r) => r.images > 1);
  const bars: BarGroup | undefined = multi
    ? {
        title: `${multi.images} images × ${multi.perImage} members: up (create)`,
        bars: allContenders
          .filter((c) => med(multi, c, "up") !== undefined)
          .map((c) => ({
            label: c,
            color: contenderColors[c],
            seconds: med(multi, c, "up")!,
          })),
      }
    : undefined;
  return renderChart({
    title: "pulumi-image-members benchmark: median wall time per operation",
    subtitle: `${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.pulumiCli}, Node ${machine.node}, local Keystone + Glance; log scale`,
    xs,
    panels,
    bars,
  });
}

export interface Report {
  command: string;
  startedAt: string;
  finishedAt: string;
  options: Options;
  machine: ReturnType<typeof describeMachine>;
  bridged: BridgedOutcome;
  glance: string;
  packageTarball?: string;
  results: ScenarioResult[];
  targets: Target[];
  cli?: Record<string, { up?: Stats; destroy?: Stats; calls: number; extrapolated: boolean }>;
  harnessProblems: string[];
}

/** The summary's name in docs/benchmarks/. */
export const summaryFile = "summary.json";

/**
 * Redraws chart.svg, README.md and summary.json from a run's results file or from a
 * summary.json, measuring nothing. From a summary the targets are those it holds. With
 * `mergeInto` (a summary.json), the file's contenders replace theirs there.
 */
export function redraw(file: string, out: string, mergeInto?: string): number {
  const read = JSON.parse(fs.readFileSync(file, "utf8")) as Report | Summary;
  const summary =
    "kind" in read && read.kind === "pim-bench-summary" ? read : summarize(read as Report);
  writeReport(mergeInto ? mergeSummaries(readSummary(mergeInto), summary) : summary, out);
  printTargets(summary.targets);
  return 0;
}

export function printTargets(targets: Target[]): void {
  for (const t of targets) {
    console.log(
      `${t.met === true ? "MET    " : t.met === false ? "NOT MET" : "n/a    "} ${t.target}: ${t.measured}`,
    );
  }
}

/** Writes what docs/benchmarks/ commits: summary.json, chart.svg and README.md. */
export function writeReport(summary: Summary, out: string): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, summaryFile), compactJson(summary) + "\n");
  fs.writeFileSync(path.join(out, "chart.svg"), chartOf(summary.results, summary.machine));
  const readmeFile = path.join(out, "README.md");
  fs.writeFileSync(readmeFile, readme(summary));
  try {
    execFileSync(
      process.execPath,
      [require.resolve("prettier/bin/prettier.cjs"), "--write", readmeFile],
      { stdio: "ignore" },
    );
  } catch {
    log("prettier could not format the README");
  }
}

export function smokeLine(report: Report): string {
  const s = report.results[0];
  const ours = s?.contenders.ours;
  const floor = s?.contenders.floor;
  const plugin = s?.contenders.plugin;
  const sample = (op: OpName) => ours?.samples[op]?.[0];
  const parts = [
    `bench smoke ${s?.label ?? "?"}:`,
    ...ops.map((op) => `${op} ${fmtS(sample(op)?.seconds)} s`),
    `(floor up ${fmtS(floor?.samples.up?.[0]?.seconds)} s);`,
    `Glance up/noop/preview/destroy ${["up", "noop", "preview", "destroy"].map((op) => sample(op as OpName)?.glanceTotal ?? "?").join("/")};`,
    `Keystone auths up ${sample("up")?.keystoneAuths ?? "?"};`,
    `state ${ours?.state?.bytesPerMember ?? "?"} B/member (${ours?.state?.bytesPerMemberWithoutStackTraces ?? "?"} B without stack traces; __provider ${ours?.state?.providerBytes ?? "?"} B);`,
    `provider peak ${sample("up")?.providerPeakRssMb ?? "?"} MB;`,
    ...(plugin ? [pluginSmoke(plugin)] : []),
    ...(s?.contenders.tofu ? [tofuSmoke(s.contenders.tofu)] : []),
    report.harnessProblems.length
      ? `HARNESS BROKEN: ${report.harnessProblems.join("; ")}`
      : "harness OK",
  ];
  return parts.join(" ");
}

/** The smoke line's part for the provider plugin's contender. */
function pluginSmoke(plugin: NonNullable<ScenarioResult["contenders"]["plugin"]>): string {
  const sample = (op: OpName) => plugin.samples[op]?.[0];
  const st = plugin.state;
  return (
    `plugin: ${ops.map((op) => `${op} ${fmtS(sample(op)?.seconds)} s`).join(", ")}; ` +
    `Glance up/noop/preview/destroy ${["up", "noop", "preview", "destroy"].map((op) => sample(op as OpName)?.glanceTotal ?? "?").join("/")}; ` +
    `state ${st?.bytesPerMember ?? "?"} B/member (${st?.bytesPerMemberWithoutStackTraces ?? "?"} B without stack traces), ` +
    `one ImageMember ${st?.memberResourceBytes ?? "?"} B (${st?.memberResourceBytesWithoutStackTrace ?? "?"} B without its stack trace);`
  );
}

/** The smoke line's part for OpenTofu. */
function tofuSmoke(tofu: NonNullable<ScenarioResult["contenders"]["tofu"]>): string {
  const sample = (op: OpName) => tofu.samples[op]?.[0];
  return (
    `tofu: ${ops.map((op) => `${op} ${fmtS(sample(op)?.seconds)} s`).join(", ")}; ` +
    `Glance ${ops.map((op) => sample(op)?.glanceTotal ?? "?").join("/")}; ` +
    `state ${tofu.state?.bytesPerMember ?? "?"} B/member;`
  );
}
