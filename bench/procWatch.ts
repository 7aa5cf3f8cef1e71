/**
 * Watches the provider processes the benchmark's own Pulumi commands start (descendants of
 * this process whose command line matches), reading /proc/<pid>/status while they live.
 * VmHWM is the kernel's peak resident set size of the process so far, so the last reading
 * before a process exits is its peak (within one sampling interval of its end).
 */
import * as fs from "fs";

export interface WatchedProcess {
  pid: number;
  command: string;
  peakRssKb: number;
  /** User + system CPU seconds used, at the last reading. */
  cpuSeconds: number;
}

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node runs on

export class ProcessWatch {
  private readonly seen = new Map<number, WatchedProcess>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pattern: RegExp,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.seen.clear();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; returns every matching process seen since start. */
  stop(): WatchedProcess[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
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
      const known = this.seen.get(pid);
      if (!known) {
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
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
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
