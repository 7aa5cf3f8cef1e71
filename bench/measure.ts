/**
 * What the benchmark measures and records: the contenders' names, one operation's sample, the
 * state's figures, the processes watched through /proc, and small helpers. Imports nothing of
 * the benchmark's own: the report reads these types without the code that makes contenders.
 */
import * as fs from "fs";
import * as os from "os";

/**
 * Every contender, in the order the README lists them, with how the README and the targets
 * name it and whether an engine (Pulumi's or OpenTofu's) runs it: those have state, CPU and
 * process figures. bench/contenders.ts says how each is made.
 */
export const contenderKinds = {
  ours: ["provider from the repository", true],
  package: ["provider installed as a package", true],
  members: ["one ImageMembers per image, installed as a package", true],
  plugin: ["the provider plugin's ImageMember from a Node.js program", true],
  yaml: ["the provider plugin's ImageMember from a YAML program", true],
  membersYaml: ["the provider plugin's ImageMembers, one per image, from a YAML program", true],
  floor: ["the same requests sent straight to Glance, the engine's concurrency", false],
  emptyTs: ["Pulumi's floor: an empty TypeScript program", true],
  noopDynamic: ["Pulumi's floor: a no-op dynamic resource per member (no request)", true],
  emptyYaml: ["Pulumi's floor: an empty YAML program", true],
  bridged: ["the bridged @pulumi/openstack ImageAccess", true],
  tofu: [
    "OpenTofu with terraform-provider-openstack, openstack_images_image_access_v2 with count",
    true,
  ],
} as const;
export type ContenderName = keyof typeof contenderKinds;
export const allContenders = Object.keys(contenderKinds) as ContenderName[];
export const engineContenders = allContenders.filter((c) => contenderKinds[c][1]);
export const describe = (c: ContenderName): string => contenderKinds[c][0];

export type OpName = "up" | "noop" | "preview" | "refresh" | "destroy";
export const ops: OpName[] = ["up", "noop", "preview", "refresh", "destroy"];

/** One contender as bench/run.ts measures it, scenario after scenario. */
export interface Contender {
  readonly name: ContenderName;
  /** Pulumi's own floor (issue 30): runs nothing of ours, sends no request, keeps no members. */
  readonly pulumiOnly?: boolean;
  operationArgs?: string[]; // --engine-args
  note?: string; // what the README says beside its figures
  init(): Promise<void>;
  configure(imageIds: string[], perImage: number): Promise<void>;
  measure(op: OpName): Promise<OpSample>;
  /** A contender that keeps state: its figures right after `up`, for `total` memberships. */
  state?(total: number): Promise<StateFigures>;
  /** The resources the engine's summary counts as created by `up` and deleted by `destroy`. */
  changedResources?(images: number, total: number): number;
  /** After a failed operation: removes what the stack holds, failures ignored. */
  abandon(): Promise<void>;
  cleanUp(): void;
}

export interface OpSample {
  seconds: number;
  glanceTotal: number;
  glance: Record<string, number>;
  keystoneTotal: number;
  keystoneAuths: number;
  keystone: Record<string, number>;
  /** Token validations Glance asked Keystone for (its log: the local cloud only, all clients). */
  keystoneValidations?: number;
  providerProcesses: number;
  providerPeakRssMb?: number;
  /** CPU seconds (user + system) of the provider process(es), the program and the engine CLI. */
  providerCpuSeconds?: number;
  programCpuSeconds?: number;
  engineCpuSeconds?: number;
  load1?: number; // 1-minute load average when the operation ended (the machine is shared)
  changes?: Record<string, number>; // the engine's summary, e.g. { created: 10 }
}

export interface StateFigures {
  exportBytes: number;
  members: number; // memberships the state holds, in `resources` resources
  resources?: number;
  bytesPerMember: number;
  memberResourceBytes: number; // one member resource's JSON as `stack export` prints it (mean)
  /** One member's serialized provider (`__provider`): its size and copies. */
  providerBytes: number;
  providerCopiesPerMember: number;
  distinctProviderTexts: number;
  /** Of one member resource (mean): what the provider decides (inputs, outputs), and the rest. */
  providerControlledBytes: number;
  engineRecordedBytes: number;
  /**
   * Without the stack trace the engine records for each resource from the language host
   * (`sourcePosition`, `stackTrace`): one member resource (mean), and `stack export` bytes per
   * member; and the mean frames of one member resource's trace.
   */
  memberResourceBytesWithoutStackTrace?: number;
  bytesPerMemberWithoutStackTraces?: number;
  stackTraceFrames?: number;
}

/** Whether the bridged provider could run here, and what it ran. */
export interface BridgedOutcome {
  available: boolean;
  reason?: string;
  pluginVersion?: string;
  binDir?: string;
  sdk?: string;
  dir?: string;
}

export type Stats = { median: number; min: number; max: number; n: number };

/** A contender's figures in one scenario: every sample, and the medians of the seconds. */
export interface ContenderResult {
  samples: Partial<Record<OpName, OpSample[]>>;
  medians: Partial<Record<OpName, Stats>>;
  state?: StateFigures;
  note?: string;
  error?: string;
}

export interface ScenarioResult {
  label: string;
  images: number;
  perImage: number;
  total: number;
  contenders: Partial<Record<ContenderName, ContenderResult>>;
}

/** Medians of `pulumi up` (create): wall seconds and the CPU seconds of each process. */
export function upCpuOf(r: Pick<ContenderResult, "samples">) {
  const up = r.samples.up ?? [];
  const medianOf = (key: keyof OpSample) => {
    const known = up.map((x) => x[key]).filter((v): v is number => typeof v === "number");
    return known.length ? stats(known).median : undefined;
  };
  if (up.length === 0) return undefined;
  const [provider, program, engine] = ["provider", "program", "engine"].map((p) =>
    medianOf(`${p}CpuSeconds` as keyof OpSample),
  );
  return { wall: medianOf("seconds"), provider, program, engine };
}

/**
 * Bytes of a value as `pulumi stack export` prints it: JSON indented by 4 spaces (a whole
 * export measured this way is the export's bytes less its final newline).
 */
export function printedBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value, null, 4));
}

/** A state resource without what the engine records of the program's stack. */
export function withoutStackTrace<T extends object>(resource: T): T {
  const copy = { ...resource } as Record<string, unknown>;
  delete copy.sourcePosition;
  delete copy.stackTrace;
  return copy as T;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Pulumi's default --parallel: 4 × GOMAXPROCS (pkg/cmd/pulumi/operations/up.go). */
export const engineParallelism = 4 * (os.availableParallelism?.() ?? os.cpus().length);

export function fmtS(v: number | undefined): string {
  return v === undefined ? "–" : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node runs on

/**
 * Watches the processes the benchmark's own commands start (descendants of this process whose
 * command line matches), reading /proc/<pid>/stat and status while they live. VmHWM is the
 * kernel's peak resident set size of the process so far, so the last reading before a process
 * exits is its peak (within one sampling interval of its end).
 */
export class ProcessWatch {
  /** Each matching process's peak RSS and its user + system CPU seconds at the last reading. */
  private readonly seen = new Map<number, { peakRssKb: number; cpuSeconds: number }>();
  private readonly timer = setInterval(() => this.sample(), 100).unref();

  constructor(private readonly pattern: RegExp) {}

  /** Stops sampling: how many matching processes were seen, their CPU and largest peak. */
  stop(): { processes: number; cpuSeconds: number; peakRssMb?: number } {
    clearInterval(this.timer);
    this.sample();
    const list = [...this.seen.values()];
    const peaks = list.map((p) => p.peakRssKb).filter((kb) => kb > 0);
    return {
      processes: list.length,
      cpuSeconds: Math.round(list.reduce((sum, p) => sum + p.cpuSeconds, 0) * 100) / 100,
      peakRssMb: peaks.length ? Math.round((Math.max(...peaks) / 1024) * 10) / 10 : undefined,
    };
  }

  private sample(): void {
    const read = (pid: number | string, file: string) => {
      try {
        return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
      } catch {
        return undefined; // exited meanwhile
      }
    };
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
    } catch {
      return; // not Linux: no memory figures
    }
    const parents = new Map<number, number>();
    const cpu = new Map<number, number>();
    for (const [pid, stat] of entries.map((e) => [Number(e), read(e, "stat")] as const)) {
      if (stat === undefined) continue;
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields 14 and 15
      // (utime, stime) are rest[11] and rest[12].
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(pid, Number(rest[1]));
      cpu.set(pid, (Number(rest[11]) + Number(rest[12])) / ticksPerSecond);
    }
    const isOurs = (pid: number): boolean => {
      for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 64; hops++) {
        if (p === process.pid) return true;
        p = parents.get(p);
      }
      return false;
    };
    for (const pid of parents.keys()) {
      if (!this.seen.has(pid)) {
        const cmdline = isOurs(pid) ? read(pid, "cmdline") : undefined;
        if (!cmdline || !this.pattern.test(cmdline.split("\0").join(" ").trim())) continue;
        this.seen.set(pid, { peakRssKb: 0, cpuSeconds: 0 });
      }
      const watched = this.seen.get(pid)!;
      watched.cpuSeconds = Math.max(watched.cpuSeconds, cpu.get(pid) ?? 0);
      // The last reading stays when the process has exited meanwhile.
      const hwm = /VmHWM:\s+(\d+) kB/.exec(read(pid, "status") ?? "");
      if (hwm) watched.peakRssKb = Math.max(watched.peakRssKb, Number(hwm[1]));
    }
  }
}
