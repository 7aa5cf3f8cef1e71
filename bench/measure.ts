/** What one measurement records, and the small helpers shared by the parts of the harness. */
import * as os from "os";
import { ContenderName, OpName } from "./options";

export interface OpSample {
  seconds: number;
  glanceTotal: number;
  glance: Record<string, number>;
  keystoneTotal: number;
  keystoneAuths: number;
  keystone: Record<string, number>;
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

export interface ScenarioResult {
  label: string;
  images: number;
  perImage: number;
  total: number;
  contenders: Partial<
    Record<
      ContenderName,
      {
        samples: Partial<Record<OpName, OpSample[]>>;
        medians: Partial<Record<OpName, Stats>>;
        state?: StateFigures;
        note?: string;
        error?: string;
      }
    >
  >;
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
