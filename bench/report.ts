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
  cliSample: number;
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
}

/** The end of a run: when it finished, the load then, and the targets on every sample. */
export function finishReport(report: Report): void {
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, report.options.contenders);
}

/** The summary of a run's results, with the targets evaluated on them (finishReport). */
export function summarize(report: Report): Summary {
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
      const state = r.state && { ...r.state, exampleMember: undefined };
      const { medians, note, error } = r;
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
  const run = "node -r ts-node/register/transpile-only bench/run.ts";
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
      const how = other === "cli" ? ", extrapolated" : "";
      return theirs === undefined
        ? `${name}: not measured`
        : `${ratioText(t, theirs)} than ${name} (${fmtS(theirs)} s${how})`;
    };
    const peers: [ContenderName, string][] = [
      ["tofu", "OpenTofu"],
      ["cli", "the CLI loop"],
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
  const { repeats, cliSample, contenders, scaleContenders, scaleRepeats } = options;
  const fewer =
    scaleContenders.length < contenders.length ? ` and only ${scaleContenders.join(", ")}` : "";
  const scale =
    fewer || scaleRepeats !== repeats ? ` (the MxN scenarios ${scaleRepeats}×${fewer})` : "";
  table(
    "Wall time (median seconds)",
    `Engine contenders run \`up\` (create), \`up\` again (no change), \`preview\`, \`refresh\` and \`destroy\` ${repeats}× per size${scale}; the floor sends the same requests (POST, GET, DELETE per member) with ${machine.engineParallelism}-way concurrency (Pulumi's default \`--parallel\`, 4 × CPUs) and one token taken before timing; the CLI loop runs \`openstack image add project\` / \`remove project\` per member and, above ${cliSample} members, times ${cliSample} calls and multiplies their median by N.`,
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
    "## Notes",
    "",
    ...notes.map((n) => `- ${n}`),
    "",
    "## Glance, the bridged provider, the machine",
    "",
    `- All contenders talked to ${report.glance}.`,
    bridged.available
      ? `- The bridged provider: \`${bridged.sdk}\` with the plugin \`pulumi-resource-openstack\` ${bridged.pluginVersion ?? ""}, built on another machine, outside this project (the Go module proxy refuses \`github.com/pulumi/pulumi-openstack/provider/v5\`); the engine runs the v5 plugin found on PATH for it (the resource type \`openstack:images/imageAccess:ImageAccess\` is the same).`
      : `- The bridged provider: not measured: ${bridged.reason ?? "not selected"}.`,
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${JSON.stringify(v)}`),
    "",
    "## Running it",
    "",
    "```",
    "bash scripts/local-cloud.sh up && bash scripts/pulumi-cli.sh ensure && bash scripts/tofu.sh ensure",
    "PIM_BRIDGED_OPENSTACK_BIN=<folder with pulumi-resource-openstack>   # optional: the bridged contender",
    `${run}            # full: ${minutes} min here`,
    `${run} --contenders ours,tofu --sizes 100 --out /tmp/bench  # a few contenders, elsewhere`,
    `${run} --from-results bench/out/results.json  # redraw only, the targets evaluated again`,
    `${run} --smoke    # CI: N=10, ours + plugin + floor + tofu`,
    "```",
    "",
    "Here: this README and `summary.json` (medians with min and max, first-run request counts, state, memory, targets); every sample of a run goes to `bench/out/results.json` (`--raw FILE`), which git ignores. The machine is shared and small: figures are medians and still move by 10–30 % between runs.",
    "",
  );
  return out.join("\n");
}

const notes = [
  "All engine contenders run under the same Pulumi CLI with `--parallel` left at its default and `--diff` on `up`; times include starting the program and the provider process (about 1.5–2 s of every operation here).",
  "The bridged provider reads each membership back after creating it: 2 Glance requests per member created, ours 1. Its plugin cannot be built here: it comes from another machine (see below); `tofu` is the peer every run measures.",
  "`tofu` is OpenTofu with terraform-provider-openstack, both built from Go modules by `scripts/tofu.sh` (no registry: a `dev_overrides` CLI configuration), applying `openstack_images_image_access_v2` with `count` at OpenTofu's default parallelism (10), the owner's credentials as `OS_*` variables (bench/tofu.ts). Its columns: up `tofu apply`, no-op up the same with nothing to do (its plan reads every member back first: OpenTofu refreshes before planning by default), preview `tofu plan`, refresh `tofu apply -refresh-only`, destroy `tofu destroy`. Its state is terraform.tfstate (bytes per member: the file's bytes divided by N; one member resource: one instance of the counted resource); it has no program process.",
  "Bytes per member are `stack export` bytes divided by N. The engine records, for every resource whatever its provider, the stack trace the language host sends when the program declares it: frames of the program and of `@pulumi/pulumi` for a Node.js program, frames of the YAML host's own Go code for a YAML program; the 'without' columns leave it out.",
  "`plugin` and `yaml` run the provider plugin `imagemembers` from the repository's `bin/` and `dist/` (the files the package ships), found through `plugins.providers` in the program's Pulumi.yaml, with the owner's credentials as `OS_*` variables (the plugin reads no stack config): `plugin` is a Node.js program declaring `imagemembers:index:ImageMember` by type token (bench/program-plugin), `yaml` a `runtime: yaml` program listing every member; its 'program CPU' is the YAML language host's, which also starts a plugin process of its own to read the schema it checks the program against (so `up`, no-op `up` and `preview` show two plugin processes; that one sends no request, and the CPU column adds both).",
  "The repository figures load the provider from TypeScript sources (ts-node) and serialize it by value; the package figures are what a user of the published package gets.",
  "`members` is the installed package with one `ImageMembers` per image holding all its member ids (one engine step and one state entry per image); its 'one member resource' column is one ImageMembers resource.",
  "Pulumi's floor (issue 30): `emptyTs` is bench/program-floor without config (a TypeScript program declaring nothing: `up` and `destroy` of the stack alone), `noopDynamic` the same program declaring one no-op dynamic resource per member (its provider answers create and delete at once and sends no request), `emptyYaml` a `runtime: yaml` program declaring nothing. `membersYaml` is the provider plugin's ImageMembers, one per image, from YAML. Our share is a row less its floor and the API floor; the ImageMembers rows' floor is the empty program, so the start of the provider process they need (from YAML also the one its host starts to read the schema) is counted in our share.",
  "The machine is shared with other work: each sample records the 1-minute load average (`load1` in the run's results file).",
];
