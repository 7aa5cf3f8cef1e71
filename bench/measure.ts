/**
 * What the benchmark measures and records: the contender interface, one operation's sample,
 * the state's figures, the processes watched through /proc, and small helpers. Imports nothing
 * of the benchmark's own.
 */
import * as fs from "fs";
import * as os from "os";

/** Every contender; bench/contenders.ts says how each is made and named. */
export type ContenderName =
  | "ours"
  | "package"
  | "members"
  | "plugin"
  | "yaml"
  | "membersYaml"
  | "floor"
  | "emptyTs"
  | "noopDynamic"
  | "emptyYaml"
  | "cli"
  | "bridged"
  | "tofu";
export type OpName = "up" | "noop" | "preview" | "refresh" | "destroy";
export const ops: OpName[] = ["up", "noop", "preview", "refresh", "destroy"];

/** One contender as bench/run.ts measures it, scenario after scenario. */
export interface Contender {
  readonly name: ContenderName;
  /** The operations it measures, in this order (default: all). */
  readonly ops?: readonly OpName[];
  /**
   * Pulumi's own floor (issue 30): runs nothing of ours and sends no request, so it has no
   * member state and may start no provider process.
   */
  readonly pulumiOnly?: boolean;
  /** Measured once per scenario, whatever --repeats (the CLI loop). */
  readonly once?: boolean;
  /** Extra arguments of every engine operation (bench/settings.ts's `--parallel`). */
  operationArgs?: string[];
  /** What the README says beside its figures, once a scenario ran. */
  note?: string;
  init(): Promise<void>;
  /** Points the contender at a scenario's images, `perImage` members each. */
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
  /**
   * The token validations Glance asked Keystone for (`GET /v3/auth/tokens` in Keystone's log;
   * the local cloud only, and every client of that Keystone counts).
   */
  keystoneValidations?: number;
  providerProcesses: number;
  providerPeakRssMb?: number;
  /** CPU seconds (user + system) of the provider process(es) and of the Pulumi program. */
  providerCpuSeconds?: number;
  programCpuSeconds?: number;
  /** CPU seconds of the `pulumi` CLI process (the engine). */
  engineCpuSeconds?: number;
  /** 1-minute load average when the operation ended (the machine is shared). */
  load1?: number;
  /** Engine summary line counts, e.g. { created: 10 } */
  changes?: Record<string, number>;
}

export interface StateFigures {
  exportBytes: number;
  /** Memberships the state holds; `resources`: the resources holding them. */
  members: number;
  resources?: number;
  bytesPerMember: number;
  /** Mean size of one member resource's JSON as `stack export` prints it. */
  memberResourceBytes: number;
  /** Size of the serialized provider (`__provider`) of one member, and where it is stored. */
  providerBytes: number;
  providerCopiesPerMember: number;
  distinctProviderTexts: number;
  /** Of one member resource (mean): what the provider decides (inputs, outputs), and the rest. */
  providerControlledBytes: number;
  engineRecordedBytes: number;
  /**
   * The same without the stack trace the engine records for each resource from the language
   * host (`sourcePosition`, `stackTrace`): one member resource (mean), and `stack export` bytes
   * divided by the members with those fields removed from every resource. Absent in summaries
   * of runs before they were measured.
   */
  memberResourceBytesWithoutStackTrace?: number;
  bytesPerMemberWithoutStackTraces?: number;
  /** Mean frames of one member resource's recorded stack trace. */
  stackTraceFrames?: number;
  /** One member resource as exported, its `__provider` texts cut to their first 120 characters. */
  exampleMember?: unknown;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

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
  if (up.length === 0) return undefined;
  const medianOf = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? stats(known).median : undefined;
  };
  return {
    wall: medianOf(up.map((x) => x.seconds)),
    provider: medianOf(up.map((x) => x.providerCpuSeconds)),
    program: medianOf(up.map((x) => x.programCpuSeconds)),
    engine: medianOf(up.map((x) => x.engineCpuSeconds)),
  };
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

export interface WatchedProcess {
  pid: number;
  command: string;
  peakRssKb: number;
  /** User + system CPU seconds used, at the last reading. */
  cpuSeconds: number;
}

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node runs on

/**
 * Watches the processes the benchmark's own commands start (descendants of this process whose
 * command line matches), reading /proc/<pid>/stat and status while they live. VmHWM is the
 * kernel's peak resident set size of the process so far, so the last reading before a process
 * exits is its peak (within one sampling interval of its end).
 */
export class ProcessWatch {
  private readonly seen = new Map<number, WatchedProcess>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pattern: RegExp) {}

  start(): void {
    this.seen.clear();
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Stops sampling; returns every matching process seen since start. */
  stop(): WatchedProcess[] {
    clearInterval(this.timer);
    this.sample();
    return [...this.seen.values()];
  }

  private sample(): void {
    const parents = new Map<number, number>();
    const cpu = new Map<number, number>();
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc");
    } catch {
      return; // not Linux: no memory figures
    }
    for (const entry of entries.filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        parents.set(Number(entry), Number(rest[1]));
        // Fields 14 and 15 of stat (utime, stime) are rest[11] and rest[12].
        cpu.set(Number(entry), (Number(rest[11]) + Number(rest[12])) / ticksPerSecond);
      } catch {
        // exited meanwhile
      }
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
        if (!isOurs(pid)) continue;
        let command: string;
        try {
          command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        } catch {
          continue;
        }
        if (!this.pattern.test(command)) continue;
        this.seen.set(pid, { pid, command, peakRssKb: 0, cpuSeconds: 0 });
      }
      const watched = this.seen.get(pid)!;
      watched.cpuSeconds = Math.max(watched.cpuSeconds, cpu.get(pid) ?? 0);
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) watched.peakRssKb = Math.max(watched.peakRssKb, Number(hwm[1]));
      } catch {
        // exited meanwhile: keep the last reading
      }
    }
  }
}

/** The CPU seconds of the processes, added up. */
export function cpuSecondsOf(list: WatchedProcess[]): number {
  return Math.round(list.reduce((sum, p) => sum + p.cpuSeconds, 0) * 100) / 100;
}

/** The largest peak RSS among the processes, in MB (one decimal); undefined when none was read. */
export function peakRssMbOf(list: WatchedProcess[]): number | undefined {
  const peaks = list.map((p) => p.peakRssKb).filter((kb) => kb > 0);
  return peaks.length ? Math.round((Math.max(...peaks) / 1024) * 10) / 10 : undefined;
}
