/** The benchmark's command line: contenders, operations and the options parsed from argv. */
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";

export type ContenderName =
  "ours" | "package" | "members" | "plugin" | "yaml" | "floor" | "cli" | "bridged" | "tofu";
export const allContenders: ContenderName[] = [
  "ours",
  "package",
  "members",
  "plugin",
  "yaml",
  "floor",
  "cli",
  "bridged",
  "tofu",
];
/**
 * The contenders run by an engine, the Pulumi engine or OpenTofu's (they have state, CPU and
 * process figures).
 */
export const engineContenders: ContenderName[] = [
  "ours",
  "package",
  "members",
  "plugin",
  "yaml",
  "bridged",
  "tofu",
];
export type OpName = "up" | "noop" | "preview" | "refresh" | "destroy";
export const ops: OpName[] = ["up", "noop", "preview", "refresh", "destroy"];
export const opTitles: Record<OpName, string> = {
  up: "pulumi up (create)",
  noop: "pulumi up (no change)",
  preview: "pulumi preview",
  refresh: "pulumi refresh",
  destroy: "pulumi destroy",
};

export interface Options {
  sizes: number[];
  images?: { count: number; perImage: number };
  contenders: ContenderName[];
  repeats: number;
  cliSample: number;
  /** Where the docs go (README.md, chart.svg, summary.json); for --smoke a temporary folder. */
  out: string;
  /** The run's results file, every sample: git-ignored bench/out/results.json (smoke: in `out`). */
  raw: string;
  smoke: boolean;
  /** Glance's default image_member_quota; above it a second glance-api without it is used. */
  memberLimit: number;
  glanceExtraPort: number;
  /**
   * A summary.json to merge this run into (--merge-into): the contenders of this run replace
   * theirs in it, the others keep the figures of the run that made it.
   */
  mergeInto?: string;
}

export function parseOptions(argv: string[]): Options {
  const smoke = argv.includes("--smoke");
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (value("--sizes") ?? (smoke ? "10" : "10,100,200"))
    .split(",")
    .filter(Boolean)
    .map(Number);
  const imagesArg = value("--images") ?? (smoke ? "none" : "20x10");
  const imagesMatch = /^(\d+)x(\d+)$/.exec(imagesArg);
  const contenders = (
    value("--contenders") ?? (smoke ? "ours,plugin,floor,tofu" : allContenders.join(","))
  )
    .split(",")
    .filter(Boolean) as ContenderName[];
  for (const c of contenders) {
    if (!allContenders.includes(c)) throw new Error(`unknown contender ${c}`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new Error(`--sizes takes integers 1..1000, not ${sizes.join(",")}`);
  }
  const out = path.resolve(
    value("--out") ??
      (smoke
        ? path.join(os.tmpdir(), "pim-bench-smoke")
        : path.join(projectRoot, "docs/benchmarks")),
  );
  return {
    sizes,
    images: imagesMatch
      ? { count: Number(imagesMatch[1]), perImage: Number(imagesMatch[2]) }
      : undefined,
    contenders,
    repeats: Number(value("--repeats") ?? (smoke ? 1 : 3)),
    cliSample: Number(value("--cli-sample") ?? 10),
    out,
    raw: path.resolve(
      value("--raw") ??
        (smoke ? path.join(out, "smoke.json") : path.join(projectRoot, "bench/out/results.json")),
    ),
    smoke,
    memberLimit: Number(value("--member-limit") ?? 128),
    glanceExtraPort: Number(value("--glance-extra-port") ?? 19296),
    ...(value("--merge-into") ? { mergeInto: path.resolve(value("--merge-into")!) } : {}),
  };
}
