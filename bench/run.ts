/**
 * The benchmark of issue 7: how long sharing images with many projects takes, how many
 * requests it costs and how much state it leaves, side by side with what a user would do
 * instead, in one run on the same local cloud (scripts/local-cloud.sh).
 *
 *   node -r ts-node/register/transpile-only bench/run.ts [--sizes 10,100,200] [--images 20x10]
 *       [--contenders ours,package,floor,cli,bridged] [--repeats 3] [--cli-sample 10]
 *       [--out docs/benchmarks] [--smoke]
 *
 * Contenders:
 *   ours     this provider from the repository (bench/program), under the real Pulumi engine
 *   package  the same program in a temporary project that installed `npm pack` of this
 *            repository into its node_modules (Pulumi serializes it by reference there)
 *   floor    the same POSTs / GETs / DELETEs sent straight to Glance with one token and the
 *            engine's default concurrency (4 × CPUs), through the project's own HttpClient
 *   cli      `openstack image add project` / `remove project` in a shell-style loop
 *   bridged  `@pulumi/openstack`'s images.ImageAccess under the same engine, with a
 *            pulumi-resource-openstack plugin built elsewhere (PIM_BRIDGED_OPENSTACK_BIN)
 *
 * Every request is counted at the server side by loopback proxies in front of Keystone and
 * Glance; the Keystone proxy rewrites the catalog so that catalog-following clients (the CLI,
 * the bridged provider, ours) reach Glance through the Glance proxy too. Times are medians.
 *
 * --smoke: N = 10, ours and the floor, one repeat; exits non-zero only when the harness is
 * broken (an engine command fails, the proxies see nothing, state or process is missing),
 * never on timing. It prints one summary line. CI runs it.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { createMember, deleteMember, getMember } from "../provider/glance";
import { resolveCloudConfig } from "../provider/identity/resolve";
import { KeystoneSession } from "../provider/identity/session";
import { settingsFromStack } from "../provider/identity/settings";
import { HttpClient } from "../provider/transport/http";
import { projectRoot } from "../tests/support/childProcess";
import { CommandResult, PulumiProject, pulumiBinDir } from "../tests/support/pulumiEngine";
import { CloudFile, GlanceDriver, IdentityFile, loadCloudFile } from "../tests/support/realCloud";
import { BarGroup, Panel, renderChart } from "./chart";
import { ProcessWatch, WatchedProcess } from "./procWatch";
import { BenchProxy } from "./proxy";

// ---------------------------------------------------------------------------------------------
// Options

type ContenderName = "ours" | "package" | "floor" | "cli" | "bridged";
const allContenders: ContenderName[] = ["ours", "package", "floor", "cli", "bridged"];
type OpName = "up" | "noop" | "preview" | "refresh" | "destroy";
const ops: OpName[] = ["up", "noop", "preview", "refresh", "destroy"];
const opTitles: Record<OpName, string> = {
  up: "pulumi up (create)",
  noop: "pulumi up (no change)",
  preview: "pulumi preview",
  refresh: "pulumi refresh",
  destroy: "pulumi destroy",
};

interface Options {
  sizes: number[];
  images?: { count: number; perImage: number };
  contenders: ContenderName[];
  repeats: number;
  cliSample: number;
  out: string;
  smoke: boolean;
  /** Glance's default image_member_quota; above it a second glance-api without it is used. */
  memberLimit: number;
  glanceExtraPort: number;
}

function parseOptions(argv: string[]): Options {
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
  const contenders = (value("--contenders") ?? (smoke ? "ours,floor" : allContenders.join(",")))
    .split(",")
    .filter(Boolean) as ContenderName[];
  for (const c of contenders) {
    if (!allContenders.includes(c)) throw new Error(`unknown contender ${c}`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new Error(`--sizes takes integers 1..1000, not ${sizes.join(",")}`);
  }
  return {
    sizes,
    images: imagesMatch
      ? { count: Number(imagesMatch[1]), perImage: Number(imagesMatch[2]) }
      : undefined,
    contenders,
    repeats: Number(value("--repeats") ?? (smoke ? 1 : 3)),
    cliSample: Number(value("--cli-sample") ?? 10),
    out: path.resolve(
      value("--out") ??
        (smoke
          ? path.join(os.tmpdir(), "pim-bench-smoke")
          : path.join(projectRoot, "docs/benchmarks")),
    ),
    smoke,
    memberLimit: Number(value("--member-limit") ?? 128),
    glanceExtraPort: Number(value("--glance-extra-port") ?? 19296),
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface OpSample {
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

interface StateFigures {
  exportBytes: number;
  members: number;
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
  /** One member resource as exported, its `__provider` texts cut to their first 120 characters. */
  exampleMember?: unknown;
}

interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

interface ScenarioResult {
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

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Pulumi's default --parallel: 4 × GOMAXPROCS (pkg/cmd/pulumi/operations/up.go). */
const engineParallelism = 4 * (os.availableParallelism?.() ?? os.cpus().length);

// ---------------------------------------------------------------------------------------------
// The cloud, seen through counting proxies

class Cloud {
  readonly keystone: BenchProxy;
  readonly glance: BenchProxy;
  readonly driver: GlanceDriver;
  readonly owner: IdentityFile;

  /** `glanceTarget`: the glance-api the proxy forwards to, when not the one in the catalog. */
  constructor(
    readonly file: CloudFile,
    glanceTarget = file.glanceUrl,
  ) {
    this.owner = file.identities.owner;
    this.keystone = new BenchProxy(file.keystoneUrl);
    this.glance = new BenchProxy(glanceTarget);
    this.driver = new GlanceDriver(file, this.owner);
  }

  async start(): Promise<void> {
    await this.keystone.start();
    await this.glance.start();
    const keystoneBase = new URL(this.file.keystoneUrl).origin;
    const glanceBase = new URL(this.file.glanceUrl).origin;
    // Keystone's answers (catalog, version documents) name Keystone and Glance: point them at
    // the proxies, so every client's later requests are counted too.
    this.keystone.rewrites = [
      [keystoneBase, this.keystone.url],
      [glanceBase, this.glance.url],
    ];
  }

  get authUrl(): string {
    return `${this.keystone.url}${new URL(this.owner.authUrl).pathname}`;
  }

  /** The owner's credentials as `openstack:*` stack config (same keys for ours and bridged). */
  stackConfig(): Record<string, string> {
    return {
      "openstack:authUrl": this.authUrl,
      "openstack:userName": this.owner.username,
      "openstack:tenantName": this.owner.projectName,
      "openstack:userDomainName": this.owner.userDomainName,
      "openstack:projectDomainName": this.owner.projectDomainName,
      "openstack:region": this.owner.region,
    };
  }

  marks(): [number, number] {
    return [this.glance.requests.length, this.keystone.requests.length];
  }

  countsSince([g, k]: [number, number]) {
    return {
      glanceTotal: this.glance.requests.length - g,
      glance: this.glance.summarize(g),
      keystoneTotal: this.keystone.requests.length - k,
      keystoneAuths: this.keystone.count(k, "POST", /\/auth\/tokens$/),
      keystone: this.keystone.summarize(k),
    };
  }

  async stop(): Promise<void> {
    await this.glance.stop();
    await this.keystone.stop();
  }
}

function memberIdOf(m: number): string {
  return `bench-project-${String(m).padStart(3, "0")}`;
}

function pairsOf(imageIds: string[], perImage: number): [string, string][] {
  return imageIds.flatMap((imageId) =>
    Array.from({ length: perImage }, (_, m) => [imageId, memberIdOf(m)] as [string, string]),
  );
}

// ---------------------------------------------------------------------------------------------
// Contenders under the Pulumi engine

function changesOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(
    /^\s*[+~-]?\s*(\d+) (created|updated|deleted|replaced|unchanged|to create|to update|to delete|to replace)\b/gm,
  )) {
    out[m[2]] = Number(m[1]);
  }
  return out;
}

class EngineContender {
  readonly project: PulumiProject;
  private configured = "";

  constructor(
    readonly name: ContenderName,
    projectDir: string,
    readonly cloud: Cloud,
    private readonly providerPattern: RegExp,
    extraPath?: string,
  ) {
    this.project = new PulumiProject(projectDir, "bench");
    if (extraPath) this.project.env.PATH = `${pulumiBinDir()}:${extraPath}:${process.env.PATH}`;
  }

  async init(): Promise<void> {
    await this.project.init(this.cloud.stackConfig(), {
      "openstack:password": this.cloud.owner.password,
    });
  }

  async configure(imageIds: string[], perImage: number): Promise<void> {
    const key = JSON.stringify([imageIds, perImage]);
    if (key === this.configured) return;
    await this.project.setConfig("imageIds", JSON.stringify(imageIds));
    await this.project.setConfig("membersPerImage", String(perImage));
    this.configured = key;
  }

  async measure(op: OpName): Promise<OpSample> {
    const watch = new ProcessWatch(this.providerPattern);
    // The Pulumi program (run by the language host) and the engine (the pulumi CLI itself).
    const programWatch = new ProcessWatch(/node\s.*@pulumi\/pulumi\/cmd\/run(\/index\.js)?(\s|$)/);
    const engineWatch = new ProcessWatch(/^\S*pulumi (up|preview|refresh|destroy)\s/);
    const marks = this.cloud.marks();
    for (const w of [watch, programWatch, engineWatch]) w.start();
    const t0 = performance.now();
    let result: CommandResult;
    switch (op) {
      case "up":
      case "noop":
        result = await this.project.up();
        break;
      case "preview":
        result = await this.project.preview();
        break;
      case "refresh":
        result = await this.project.refresh();
        break;
      case "destroy":
        result = await this.project.destroy();
        break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const processes = watch.stop();
    const cpu = (list: WatchedProcess[]) =>
      round(
        list.reduce((sum, p) => sum + p.cpuSeconds, 0),
        2,
      );
    const peaks = processes.map((p) => p.peakRssKb).filter((kb) => kb > 0);
    return {
      seconds: round(seconds),
      ...this.cloud.countsSince(marks),
      providerProcesses: processes.length,
      providerPeakRssMb: peaks.length ? round(Math.max(...peaks) / 1024, 1) : undefined,
      providerCpuSeconds: cpu(processes),
      programCpuSeconds: cpu(programWatch.stop()),
      engineCpuSeconds: cpu(engineWatch.stop()),
      load1: round(os.loadavg()[0], 2),
      changes: changesOf(result.stdout),
    };
  }

  async state(total: number): Promise<StateFigures> {
    const { text, deployment } = await this.project.exportState();
    const members = (deployment.resources ?? []).filter((r) =>
      /ImageMember|ImageAccess/.test(r.type),
    );
    const providerTexts = new Set<string>();
    let copies = 0;
    let providerBytes = 0;
    for (const r of members) {
      for (const bag of [r.inputs, r.outputs]) {
        const p = bag?.__provider;
        if (typeof p === "string") {
          providerTexts.add(p);
          copies++;
          providerBytes = Math.max(providerBytes, Buffer.byteLength(p));
        }
      }
    }
    const exportBytes = Buffer.byteLength(text);
    const figures: StateFigures = {
      exportBytes,
      members: members.length,
      bytesPerMember: round(exportBytes / Math.max(total, 1), 1),
      memberResourceBytes: round(
        members.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r, null, 4)), 0) /
          Math.max(members.length, 1),
        1,
      ),
      providerBytes,
      providerCopiesPerMember: round(copies / Math.max(members.length, 1), 2),
      distinctProviderTexts: providerTexts.size,
      providerControlledBytes: round(
        members.reduce(
          (sum, r) =>
            sum +
            Buffer.byteLength(JSON.stringify({ inputs: r.inputs, outputs: r.outputs }, null, 4)),
          0,
        ) / Math.max(members.length, 1),
        1,
      ),
      engineRecordedBytes: 0,
      exampleMember:
        members[0] &&
        JSON.parse(JSON.stringify(members[0]), (k, v) =>
          k === "__provider" && typeof v === "string" && v.length > 120
            ? `${v.slice(0, 120)}… (${Buffer.byteLength(v)} bytes)`
            : v,
        ),
    };
    figures.engineRecordedBytes = round(
      figures.memberResourceBytes - figures.providerControlledBytes,
      1,
    );
    return figures;
  }

  cleanUp(): void {
    this.project.cleanUp();
  }
}

// ---------------------------------------------------------------------------------------------
// The floor: the same requests, no Pulumi

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    }),
  );
}

class Floor {
  private session?: KeystoneSession;
  constructor(readonly cloud: Cloud) {}

  /** One token for the whole run, taken before any timing. */
  async connect() {
    const config = resolveCloudConfig({
      stack: settingsFromStack(
        (k) =>
          ({ ...this.cloud.stackConfig(), "openstack:password": this.cloud.owner.password })[k],
      ),
      env: {},
    });
    this.session = new KeystoneSession(new HttpClient(), config);
    return this.session.imageService();
  }

  async measure(op: "up" | "refresh" | "destroy", pairs: [string, string][]): Promise<OpSample> {
    const glance = await this.connect();
    await this.session!.projectId(); // authenticate outside the timing
    const marks = this.cloud.marks();
    const t0 = performance.now();
    await pool(pairs, engineParallelism, async ([imageId, memberId]) => {
      if (op === "up") await createMember(glance, imageId, memberId);
      else if (op === "refresh") await getMember(glance, imageId, memberId);
      else await deleteMember(glance, imageId, memberId);
    });
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds: round(seconds),
      ...this.cloud.countsSince(marks),
      providerProcesses: 0,
      load1: round(os.loadavg()[0], 2),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The CLI loop

function ownerEnv(cloud: Cloud): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
  );
  const file = path.join(projectRoot, ".local-cloud/env/owner.env");
  const vars: Record<string, string> = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      const m = /^(?:export\s+)?(OS_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) vars[m[1]] = m[2].replace(/^["']|["']$/g, "");
    }
  } else {
    const o = cloud.owner;
    Object.assign(vars, {
      OS_USERNAME: o.username,
      OS_PASSWORD: o.password,
      OS_PROJECT_NAME: o.projectName,
      OS_USER_DOMAIN_NAME: o.userDomainName,
      OS_PROJECT_DOMAIN_NAME: o.projectDomainName,
      OS_REGION_NAME: o.region,
      OS_IDENTITY_API_VERSION: "3",
      OS_IMAGE_API_VERSION: "2",
    });
  }
  return { ...clean, ...vars, OS_AUTH_URL: cloud.authUrl };
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("openstack", args, { env, timeout: 120_000 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`openstack ${args.join(" ")}: ${stderr || error.message}`))
        : resolve(),
    ),
  );
}

/**
 * `openstack image add project` (up) or `remove project` (destroy) once per member, one after
 * the other as a shell loop does. For N above the sample size only the first `sample` calls run,
 * and the total is the median call time × N (marked as extrapolated).
 */
async function cliMeasure(
  cloud: Cloud,
  op: "up" | "destroy",
  pairs: [string, string][],
  sample: number,
): Promise<{ sample: OpSample; perCall: Stats; calls: number; extrapolated: boolean }> {
  const env = ownerEnv(cloud);
  const chosen = pairs.slice(0, Math.min(sample, pairs.length));
  const marks = cloud.marks();
  const times: number[] = [];
  for (const [imageId, memberId] of chosen) {
    const t0 = performance.now();
    await runCli(["image", op === "up" ? "add" : "remove", "project", imageId, memberId], env);
    times.push((performance.now() - t0) / 1000);
  }
  const perCall = stats(times);
  const counts = cloud.countsSince(marks);
  const scale = pairs.length / chosen.length;
  const scaleCounts = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v * scale, 1)]));
  const extrapolated = chosen.length < pairs.length;
  return {
    sample: {
      seconds: round(
        extrapolated ? perCall.median * pairs.length : times.reduce((a, b) => a + b, 0),
      ),
      glanceTotal: round(counts.glanceTotal * scale, 1),
      glance: scaleCounts(counts.glance),
      keystoneTotal: round(counts.keystoneTotal * scale, 1),
      keystoneAuths: round(counts.keystoneAuths * scale, 1),
      keystone: scaleCounts(counts.keystone),
      providerProcesses: chosen.length,
    },
    perCall,
    calls: chosen.length,
    extrapolated,
  };
}

// ---------------------------------------------------------------------------------------------
// Temporary projects: the package installed from `npm pack`, and the bridged provider

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 10 * 60_000): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function writeProject(dir: string, name: string, program: string): void {
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), program);
}

function benchProgram(): string {
  return fs.readFileSync(path.join(projectRoot, "bench/program/index.ts"), "utf8");
}

/** A project elsewhere that installed this package from a tarball, as a user would. */
function makePackageProject(): { dir: string; version: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-pkg-"));
  sh("npm", ["run", "build"], projectRoot);
  const tarball = sh(
    "npm",
    ["pack", "--silent", "--pack-destination", dir, "--ignore-scripts"],
    projectRoot,
  )
    .trim()
    .split("\n")
    .pop()!;
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "pim-bench-consumer", version: "0.0.0", private: true }, null, 2),
  );
  sh(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      path.join(dir, tarball),
      "@pulumi/pulumi@3.276.0",
      "typescript@5",
    ],
    dir,
  );
  const program = benchProgram().replace(`from "../../provider"`, `from "pulumi-image-members"`);
  if (!program.includes(`from "pulumi-image-members"`)) {
    throw new Error("bench/program/index.ts no longer imports ../../provider");
  }
  writeProject(dir, "image-members-bench-package", program);
  return { dir, version: tarball };
}

const bridgedProgram = `import * as pulumi from "@pulumi/pulumi";
import * as openstack from "@pulumi/openstack";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = \`bench-project-\${String(m).padStart(3, "0")}\`;
    new openstack.images.ImageAccess(\`m-\${i}-\${m}\`, { imageId, memberId });
  }
});

export const members = imageIds.length * membersPerImage;
`;

interface BridgedOutcome {
  available: boolean;
  reason?: string;
  pluginVersion?: string;
  binDir?: string;
  sdk?: string;
  dir?: string;
}

function makeBridgedProject(): BridgedOutcome {
  // The Go module proxy refuses github.com/pulumi/pulumi-openstack/provider (403), and this
  // project carries no build of another project's source: a plugin built elsewhere is used
  // when one is given or cached.
  const binDir =
    process.env.PIM_BRIDGED_OPENSTACK_BIN ??
    path.join(os.homedir(), ".cache", "pulumi-image-members", "bridged-openstack", "bin");
  if (!fs.existsSync(path.join(binDir, "pulumi-resource-openstack"))) {
    return {
      available: false,
      reason:
        `no pulumi-resource-openstack plugin in ${binDir}: the Go module proxy refuses ` +
        "github.com/pulumi/pulumi-openstack/provider/v5 (403 'This module version is not available'); " +
        "set PIM_BRIDGED_OPENSTACK_BIN to the folder of a plugin built elsewhere",
    };
  }
  const versionFile = path.join(path.dirname(binDir), "VERSION");
  const pluginVersion = fs.existsSync(versionFile)
    ? fs.readFileSync(versionFile, "utf8").trim()
    : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-bridged-"));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "pim-bench-bridged", version: "0.0.0", private: true }, null, 2),
  );
  try {
    // --ignore-scripts: old @pulumi/* packages try to download their plugin on install.
    sh(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "@pulumi/openstack",
        "@pulumi/pulumi@3.276.0",
        "typescript@5",
      ],
      dir,
    );
  } catch (error) {
    return {
      available: false,
      reason: `npm install @pulumi/openstack failed: ${(error as Error).message}`,
    };
  }
  const sdk = JSON.parse(
    fs.readFileSync(path.join(dir, "node_modules/@pulumi/openstack/package.json"), "utf8"),
  ).version;
  writeProject(dir, "image-members-bench-bridged", bridgedProgram);
  return { available: true, pluginVersion, binDir, sdk: `@pulumi/openstack@${sdk}`, dir };
}

// ---------------------------------------------------------------------------------------------
// The machine

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .trim()
      .split("\n")[0];
  } catch {
    return undefined;
  }
}

function describeMachine() {
  const pulumiBin = pulumiBinDir();
  return {
    nproc: Number(tryRun("nproc", [])),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    os: tryRun("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    node: process.version,
    pulumiCli: tryRun(path.join(pulumiBin, "pulumi"), ["version"]),
    pulumiNodejsSdk: JSON.parse(
      fs.readFileSync(path.join(projectRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version,
    engineParallelism,
    openstackClient: tryRun("openstack", ["--version"]),
    go: tryRun("go", ["version"]),
    glance: tryRun("dpkg-query", ["-W", "-f", "${Version}", "glance-api"]),
    keystone: tryRun("dpkg-query", ["-W", "-f", "${Version}", "keystone"]),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    loadAverageAtEnd: [] as number[],
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

interface Target {
  id: string;
  target: string;
  met: boolean | null;
  measured: string;
}

function med(s: ScenarioResult | undefined, c: ContenderName, op: OpName): number | undefined {
  return s?.contenders[c]?.medians[op]?.median;
}

function describe(c: ContenderName): string {
  return c === "package" ? "provider installed as a package" : "provider from the repository";
}

/** "3.2× faster" or "1.2× slower": how `ours` seconds compare with `theirs`. */
function ratioText(ours: number, theirs: number): string {
  return ours <= theirs
    ? `${(theirs / ours).toFixed(1)}× faster`
    : `${(ours / theirs).toFixed(2)}× slower`;
}

function evaluateTargets(results: ScenarioResult[], options: Options): Target[] {
  const targets: Target[] = [];
  const bySize = (n: number) => results.find((r) => r.images === 1 && r.perImage === n);
  const s100 = bySize(100);
  const s200 = bySize(200);

  // 1. Marginal cost per member at N=200 vs N=100, against the floor's per-member cost.
  const f100 = med(s100, "floor", "up");
  const f200 = med(s200, "floor", "up");
  for (const c of ["ours", "package"] as ContenderName[]) {
    const o100 = med(s100, c, "up");
    const o200 = med(s200, c, "up");
    const target = `pulumi up, ${describe(c)}: (t(200) − t(100)) / 100 ≤ 1.5 × the floor's per-member cost`;
    if (o100 === undefined || o200 === undefined || f100 === undefined || f200 === undefined) {
      targets.push({
        id: `marginal-cost-${c}`,
        target,
        met: null,
        measured: "not measured (needs sizes 100 and 200, this contender and the floor)",
      });
      continue;
    }
    const marginal = (o200 - o100) / 100;
    const floorPerMember = f200 / 200;
    const floorMarginal = (f200 - f100) / 100;
    const ratio = marginal / floorPerMember;
    const b100 = med(s100, "bridged", "up");
    const b200 = med(s200, "bridged", "up");
    targets.push({
      id: `marginal-cost-${c}`,
      target,
      met: ratio <= 1.5,
      measured:
        `${(marginal * 1000).toFixed(1)} ms/member marginal vs the floor's ${(floorPerMember * 1000).toFixed(1)} ms/member ` +
        `(t(200)/200; the floor's own marginal ${(floorMarginal * 1000).toFixed(1)} ms) → ${ratio.toFixed(1)}×` +
        (b100 !== undefined && b200 !== undefined
          ? `; for comparison the bridged provider's marginal is ${(((b200 - b100) / 100) * 1000).toFixed(1)} ms/member`
          : ""),
    });
  }

  // 2. Requests.
  const bad: string[] = [];
  let checked = 0;
  const perMember: Record<string, string[]> = {};
  for (const s of results) {
    const ours = s.contenders.ours;
    if (!ours) continue;
    for (const op of ops) {
      for (const sample of ours.samples[op] ?? []) {
        checked++;
        const expectGlance = op === "up" || op === "destroy" ? s.total : op === "refresh" ? -1 : 0;
        if (expectGlance >= 0 && sample.glanceTotal !== expectGlance) {
          bad.push(
            `${s.label} ${op}: ${sample.glanceTotal} Glance requests (want ${expectGlance})`,
          );
        }
        const usedGlance = sample.glanceTotal > 0;
        const processes = Math.max(sample.providerProcesses, 1);
        if (usedGlance && sample.keystoneAuths !== processes) {
          bad.push(
            `${s.label} ${op}: ${sample.keystoneAuths} Keystone auths for ${sample.providerProcesses} provider process(es)`,
          );
        }
        if (!usedGlance && sample.keystoneAuths > processes) {
          bad.push(`${s.label} ${op}: ${sample.keystoneAuths} Keystone auths without Glance work`);
        }
      }
      const first = ours.samples[op]?.[0];
      if (first) {
        (perMember[op] ??= []).push(
          `${s.label}: ${first.glanceTotal} Glance, ${first.keystoneAuths} auth`,
        );
      }
    }
  }
  targets.push({
    id: "requests",
    target:
      "exactly one Glance request per member created or deleted, zero for no-op up and preview, one Keystone authentication per provider process",
    met: checked === 0 ? null : bad.length === 0,
    measured:
      checked === 0
        ? "not measured"
        : bad.length === 0
          ? `all ${checked} engine runs: up and destroy N Glance requests, no-op up and preview 0, 1 auth per provider process that called Glance (0 otherwise)`
          : bad.slice(0, 6).join("; ") + (bad.length > 6 ? `; … ${bad.length - 6} more` : ""),
  });

  // 3. State size.
  for (const c of ["ours", "package"] as ContenderName[]) {
    const figures = results
      .map((s) => [s, s.contenders[c]?.state] as const)
      .filter((x): x is [ScenarioResult, StateFigures] => !!x[1]);
    if (figures.length === 0) {
      targets.push({
        id: `state-${c}`,
        target: `state ≤ 2 KB per member (${c === "ours" ? "from the repository" : "installed package"})`,
        met: null,
        measured: "not measured",
      });
      continue;
    }
    const worst = Math.max(...figures.map(([, f]) => f.bytesPerMember));
    const last = figures[figures.length - 1][1];
    targets.push({
      id: `state-${c}`,
      target: `state ≤ 2 KB (2048 B) per member (${c === "ours" ? "provider from the repository" : "provider installed as a package"})`,
      met: worst <= 2048,
      measured:
        figures
          .map(
            ([s, f]) =>
              `${s.label}: ${f.bytesPerMember} B/member (__provider ${f.providerBytes} B × ${f.providerCopiesPerMember})`,
          )
          .join("; ") +
        `; one member resource is ${last.memberResourceBytes} B, of which inputs + outputs ${last.providerControlledBytes} B ` +
        `and what the engine records (urn, parent, provider reference, stack trace, timestamps, …) ${last.engineRecordedBytes} B`,
    });
  }

  // 4. Faster than the CLI loop and the bridged provider at N=100.
  for (const c of ["ours", "package"] as ContenderName[]) {
    for (const other of ["cli", "bridged"] as ContenderName[]) {
      const ours = med(s100, c, "up");
      const theirs = med(s100, other, "up");
      const note = s100?.contenders[other]?.error ?? s100?.contenders[other]?.note;
      targets.push({
        id: `faster-than-${other}-${c}`,
        target: `pulumi up at N=100, ${describe(c)}, faster than ${other === "cli" ? "the CLI loop" : "the bridged provider (@pulumi/openstack ImageAccess)"}`,
        met: ours !== undefined && theirs !== undefined ? ours < theirs : null,
        measured:
          ours !== undefined && theirs !== undefined
            ? `${ours.toFixed(2)} s vs ${theirs.toFixed(2)} s: ${ratioText(ours, theirs)}` +
              (note ? ` (${note})` : "")
            : `not measured${note ? `: ${note}` : options.contenders.includes(other) ? "" : " (not selected)"}`,
      });
    }
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Reports

const contenderLabels: Record<ContenderName, string> = {
  ours: "pulumi-image-members (repo)",
  package: "pulumi-image-members (npm package)",
  floor: "floor (direct API, same concurrency)",
  cli: "openstack CLI loop",
  bridged: "bridged @pulumi/openstack ImageAccess",
};
const contenderColors: Record<ContenderName, string> = {
  ours: "#1f77b4",
  package: "#17becf",
  floor: "#2ca02c",
  cli: "#d62728",
  bridged: "#ff7f0e",
};

function chartOf(results: ScenarioResult[], machine: ReturnType<typeof describeMachine>): string {
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

function fmtS(v: number | undefined): string {
  return v === undefined ? "–" : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function readme(report: Report): string {
  const { results, machine, targets, bridged } = report;
  const lines: string[] = [];
  const s100 = results.find((r) => r.images === 1 && r.perImage === 100);
  lines.push("# Benchmarks");
  lines.push("");
  lines.push(
    "Generated by `bench/run.ts` (issue 7); do not edit by hand, run the benchmark again. " +
      `Measured ${report.finishedAt.slice(0, 10)} with \`${report.command}\`.`,
  );
  lines.push("");
  lines.push("![median wall time per operation against N, per contender](chart.svg)");
  lines.push("");
  lines.push("## Headline");
  lines.push("");
  if (s100) {
    for (const c of ["ours", "package"] as ContenderName[]) {
      const t = med(s100, c, "up");
      if (t === undefined) continue;
      const vs = (other: ContenderName, name: string) => {
        const theirs = med(s100, other, "up");
        return theirs === undefined
          ? `${name}: not measured`
          : `${ratioText(t, theirs)} than ${name} (${fmtS(theirs)} s${other === "cli" ? ", extrapolated" : ""})`;
      };
      const floor = med(s100, "floor", "up");
      lines.push(
        `- N = 100 members, \`pulumi up\`, ${describe(c)}: ${fmtS(t)} s; ${vs("cli", "the CLI loop")}; ` +
          `${vs("bridged", "the bridged provider")}; ${floor ? `${(t / floor).toFixed(1)}× the floor (${fmtS(floor)} s)` : ""}.`,
      );
    }
    lines.push(
      `- N = 100, \`pulumi destroy\`: repository ${fmtS(med(s100, "ours", "destroy"))} s, package ${fmtS(med(s100, "package", "destroy"))} s; ` +
        `bridged ${fmtS(med(s100, "bridged", "destroy"))} s; CLI loop ${fmtS(med(s100, "cli", "destroy"))} s; floor ${fmtS(med(s100, "floor", "destroy"))} s.`,
    );
  }
  const s200 = results.find((r) => r.images === 1 && r.perImage === 200) ?? s100;
  if (s200) {
    const st = (c: ContenderName) => s200.contenders[c]?.state?.bytesPerMember;
    const peak = (c: ContenderName) => {
      const values = ops.flatMap((op) =>
        (s200.contenders[c]?.samples[op] ?? []).map((x) => x.providerPeakRssMb ?? 0),
      );
      return values.length ? Math.max(...values) : undefined;
    };
    lines.push(
      `- ${s200.label}: state ${st("ours") ?? "–"} B per member from the repository, ${st("package") ?? "–"} B ` +
        `installed as a package, ${st("bridged") ?? "–"} B bridged; provider process peak ${peak("ours") ?? "–"} MB ` +
        `(package ${peak("package") ?? "–"} MB, bridged ${peak("bridged") ?? "–"} MB).`,
    );
  }
  lines.push("");
  lines.push("## Targets (issue 7)");
  lines.push("");
  for (const t of targets) {
    lines.push(
      `- ${t.met === true ? "**met**" : t.met === false ? "**not met**" : "not measured"}: ${t.target}. ${t.measured}.`,
    );
  }
  lines.push("");
  lines.push("## Wall time (median seconds)");
  lines.push("");
  lines.push(
    "Engine contenders run `up` (create), `up` again (no change), `preview`, `refresh` and `destroy` " +
      `${report.options.repeats}× per size; the floor sends the same requests ` +
      `(POST, GET, DELETE per member) with ${machine.engineParallelism}-way concurrency (Pulumi's default ` +
      `\`--parallel\`, 4 × CPUs) and one token taken before timing; the CLI loop runs ` +
      `\`openstack image add project\` / \`remove project\` per member and, above ${report.options.cliSample} members, ` +
      `times ${report.options.cliSample} calls and multiplies their median by N.`,
  );
  lines.push("");
  lines.push("| scenario | contender | up | no-op up | preview | refresh | destroy |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const s of results) {
    for (const c of allContenders) {
      const r = s.contenders[c];
      if (!r) continue;
      if (r.error) {
        lines.push(
          `| ${s.label} | ${c} | error: ${r.error.replace(/\|/g, "/").slice(0, 120)} | | | | |`,
        );
        continue;
      }
      lines.push(
        `| ${s.label} | ${c} | ${ops.map((op) => fmtS(r.medians[op]?.median)).join(" | ")} |`,
      );
    }
  }
  lines.push("");
  lines.push("## Where the time goes: CPU seconds of `pulumi up` (create), medians");
  lines.push("");
  lines.push(
    "The provider process, the Pulumi program (language host's Node.js) and the engine (the `pulumi` " +
      "CLI, which also writes the checkpoint after every step: its cost grows with the state's size). " +
      "On two shared cores the wall time is mostly these CPU seconds.",
  );
  lines.push("");
  lines.push("| scenario | contender | wall | provider CPU | program CPU | engine CPU |");
  lines.push("| --- | --- | --- | --- | --- | --- |");
  for (const s of results) {
    for (const c of ["ours", "package", "bridged"] as ContenderName[]) {
      const samples = s.contenders[c]?.samples.up;
      if (!samples?.length) continue;
      const m = (f: (x: OpSample) => number | undefined) => {
        const values = samples.map(f).filter((v): v is number => v !== undefined);
        return values.length ? fmtS(stats(values).median) : "–";
      };
      lines.push(
        `| ${s.label} | ${c} | ${m((x) => x.seconds)} | ${m((x) => x.providerCpuSeconds)} | ` +
          `${m((x) => x.programCpuSeconds)} | ${m((x) => x.engineCpuSeconds)} |`,
      );
    }
  }
  lines.push("");
  lines.push("## Requests per operation (counted at the server side), first run");
  lines.push("");
  lines.push("Glance / Keystone token requests (POST /v3/auth/tokens) / all Keystone requests.");
  lines.push("");
  lines.push("| scenario | contender | up | no-op up | preview | refresh | destroy |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const s of results) {
    for (const c of allContenders) {
      const r = s.contenders[c];
      if (!r || r.error) continue;
      lines.push(
        `| ${s.label} | ${c} | ${ops
          .map((op) => {
            const x = r.samples[op]?.[0];
            return x ? `${x.glanceTotal} / ${x.keystoneAuths} / ${x.keystoneTotal}` : "–";
          })
          .join(" | ")} |`,
      );
    }
  }
  lines.push("");
  lines.push("## State and memory");
  lines.push("");
  lines.push(
    "| scenario | contender | `stack export` bytes | bytes per member | one member resource | `__provider` bytes × copies | provider peak RSS (MB, max over ops) |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const s of results) {
    for (const c of ["ours", "package", "bridged"] as ContenderName[]) {
      const r = s.contenders[c];
      if (!r || r.error || !r.state) continue;
      const peak = Math.max(
        ...ops.flatMap((op) => (r.samples[op] ?? []).map((x) => x.providerPeakRssMb ?? 0)),
      );
      lines.push(
        `| ${s.label} | ${c} | ${r.state.exportBytes} | ${r.state.bytesPerMember} | ${r.state.memberResourceBytes} | ` +
          `${r.state.providerBytes ? `${r.state.providerBytes} × ${r.state.providerCopiesPerMember}` : "none"} | ${peak || "–"} |`,
      );
    }
  }
  lines.push("");
  lines.push("## Notes");
  lines.push("");
  for (const note of [
    "All engine contenders run under the same Pulumi CLI with `--parallel` left at its default and `--diff` on `up`; " +
      "times include starting the program and the provider process (about 1.5–2 s of every operation here).",
    "The bridged provider reads each membership back after creating it: 2 Glance requests per member created, ours 1.",
    "Bytes per member are `stack export` bytes divided by N; the engine itself records about 0.8 KB of stack trace " +
      "per resource (Pulumi 3.2xx SDK), for every provider alike.",
    "The repository figures load the provider from TypeScript sources (ts-node) and serialize it by value; the " +
      "package figures are what a user of the published package gets.",
    "The machine is shared with other work: each sample records the 1-minute load average (`load1` in results.json).",
  ]) {
    lines.push(`- ${note}`);
  }
  lines.push("");
  lines.push("## Glance");
  lines.push("");
  lines.push(`All contenders talked to ${report.glance}.`);
  lines.push("");
  lines.push("## Bridged provider");
  lines.push("");
  lines.push(
    bridged.available
      ? `\`${bridged.sdk}\` with the plugin \`pulumi-resource-openstack\` ${bridged.pluginVersion ?? ""}, built ` +
          "outside this project: the Go module proxy refuses `github.com/pulumi/pulumi-openstack/provider/v5` " +
          "itself (its dependencies, pulumi-terraform-bridge and terraform-provider-openstack, are served). " +
          "The npm registry here offers `@pulumi/openstack` 3.14.0 and 3.15.2 only; the engine runs the v5 plugin " +
          "found on PATH for it (the resource type `openstack:images/imageAccess:ImageAccess` is the same)."
      : `Not measured: ${bridged.reason ?? "not selected"}.`,
  );
  lines.push("");
  lines.push("## Machine");
  lines.push("");
  for (const [k, v] of Object.entries(machine)) lines.push(`- ${k}: ${JSON.stringify(v)}`);
  lines.push("");
  lines.push("## Running it");
  lines.push("");
  lines.push("```");
  lines.push("bash scripts/local-cloud.sh up && bash scripts/pulumi-cli.sh ensure");
  lines.push(
    "PIM_BRIDGED_OPENSTACK_BIN=<folder with pulumi-resource-openstack>   # optional: the bridged contender",
  );
  const minutes = Math.round(
    (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000,
  );
  lines.push(
    `node -r ts-node/register/transpile-only bench/run.ts            # full: ${minutes} min here`,
  );
  lines.push(
    "node -r ts-node/register/transpile-only bench/run.ts --from-results docs/benchmarks/results.json  # redraw only",
  );
  lines.push(
    "node -r ts-node/register/transpile-only bench/run.ts --smoke    # CI: N=10, ours + floor",
  );
  lines.push("```");
  lines.push("");
  lines.push(
    "Results: `results.json` (every sample), `chart.svg`. The machine is shared and small: " +
      "figures are medians and still move by 10–30 % between runs.",
  );
  lines.push("");
  return lines.join("\n");
}

interface Report {
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

// ---------------------------------------------------------------------------------------------
// Main

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Redraws chart.svg and README.md from a results.json, measuring nothing. */
function redraw(file: string, out: string): number {
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
  report.targets = evaluateTargets(report.results, report.options);
  writeReport(report, out);
  for (const t of report.targets) {
    console.log(
      `${t.met === true ? "MET    " : t.met === false ? "NOT MET" : "n/a    "} ${t.target}: ${t.measured}`,
    );
  }
  return 0;
}

function writeReport(report: Report, out: string): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "chart.svg"), chartOf(report.results, report.machine));
  const readmeFile = path.join(out, "README.md");
  fs.writeFileSync(readmeFile, readme(report));
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

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const fromResults = argv.indexOf("--from-results");
  if (fromResults >= 0) {
    const options = parseOptions(argv);
    return redraw(path.resolve(argv[fromResults + 1]), options.out);
  }
  const options = parseOptions(argv);
  const startedAt = new Date().toISOString();
  const cloudFile = loadCloudFile();
  // Stock Glance shares an image with at most 128 projects (image_member_quota, HTTP 413
  // beyond): for more members of one image, a second glance-api of the local cloud (same
  // database and store, workers as the main one) without that limit serves the whole run.
  const maxPerImage = Math.max(...options.sizes, options.images?.perImage ?? 0);
  let glanceTarget = cloudFile.glanceUrl;
  let glanceNote = `the local cloud's glance-api (${cloudFile.glanceUrl})`;
  if (maxPerImage > options.memberLimit) {
    if (process.env.PIM_CLOUD_JSON) {
      throw new Error(
        `N=${maxPerImage} members of one image exceeds Glance's default image_member_quota (${options.memberLimit}); ` +
          `raise it on your cloud and pass --member-limit, or use smaller --sizes`,
      );
    }
    const args = [
      path.join(projectRoot, "scripts/local-cloud.sh"),
      "glance-extra",
      "bench",
      String(options.glanceExtraPort),
      "workers=2",
      "image_member_quota=1000",
    ];
    log(
      `N=${maxPerImage} > Glance's image_member_quota ${options.memberLimit}: bash ${args.join(" ")}`,
    );
    execFileSync("bash", args, { cwd: projectRoot, stdio: ["ignore", "ignore", "inherit"] });
    glanceTarget = `http://127.0.0.1:${options.glanceExtraPort}`;
    glanceNote =
      `a second glance-api of the local cloud (scripts/local-cloud.sh glance-extra bench ${options.glanceExtraPort} ` +
      `workers=2 image_member_quota=1000; same database, store and worker count as the main one), because stock ` +
      `Glance refuses more than ${options.memberLimit} members per image (413)`;
  }
  const cloud = new Cloud(cloudFile, glanceTarget);
  await cloud.start();
  const harnessProblems: string[] = [];
  const engines: EngineContender[] = [];
  const tempDirs: string[] = [];
  const report: Report = {
    command:
      `node -r ts-node/register/transpile-only bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt,
    finishedAt: "",
    options,
    machine: describeMachine(),
    bridged: { available: false, reason: "not selected" },
    glance: glanceNote,
    results: [],
    targets: [],
    cli: {},
    harnessProblems,
  };

  try {
    const want = (c: ContenderName) => options.contenders.includes(c);
    const contenders: Partial<Record<ContenderName, EngineContender>> = {};
    if (want("ours")) {
      contenders.ours = new EngineContender(
        "ours",
        path.join(projectRoot, "bench/program"),
        cloud,
        /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/,
      );
    }
    if (want("package")) {
      log("packing this repository and installing it into a temporary project");
      const pkg = makePackageProject();
      tempDirs.push(pkg.dir);
      report.packageTarball = pkg.version;
      contenders.package = new EngineContender(
        "package",
        pkg.dir,
        cloud,
        /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/,
      );
    }
    if (want("bridged")) {
      log("preparing the bridged provider (its plugin, npm install @pulumi/openstack)");
      report.bridged = makeBridgedProject();
      if (report.bridged.available) {
        tempDirs.push(report.bridged.dir!);
        contenders.bridged = new EngineContender(
          "bridged",
          report.bridged.dir!,
          cloud,
          /pulumi-resource-openstack(\s|$)/,
          report.bridged.binDir,
        );
      } else {
        log(`bridged provider unavailable: ${report.bridged.reason}`);
      }
    }
    for (const c of Object.values(contenders)) {
      engines.push(c!);
      await c!.init();
    }
    const floor = want("floor") ? new Floor(cloud) : undefined;

    const scenarios = options.sizes.map((n) => ({ label: `N=${n}`, images: 1, perImage: n }));
    if (options.images) {
      scenarios.push({
        label: `${options.images.count}x${options.images.perImage}`,
        images: options.images.count,
        perImage: options.images.perImage,
      });
    }

    for (const sc of scenarios) {
      const total = sc.images * sc.perImage;
      const result: ScenarioResult = { ...sc, total, contenders: {} };
      report.results.push(result);
      // Each contender gets images of its own, so one's leftovers cannot disturb another.
      const imagesOf: Partial<Record<ContenderName, string[]>> = {};
      for (const c of options.contenders) {
        if (c === "bridged" && !contenders.bridged) continue;
        imagesOf[c] = [];
        for (let i = 0; i < sc.images; i++) imagesOf[c]!.push(await cloud.driver.createImage());
        result.contenders[c] = { samples: {}, medians: {} };
      }

      for (let rep = 0; rep < options.repeats; rep++) {
        for (const c of options.contenders) {
          const entry = result.contenders[c];
          if (!entry || entry.error) continue;
          if (c === "cli") continue;
          const pairs = pairsOf(imagesOf[c]!, sc.perImage);
          log(`${sc.label} ${c} run ${rep + 1}/${options.repeats}`);
          try {
            if (c === "floor") {
              for (const op of ["up", "refresh", "destroy"] as const) {
                (entry.samples[op] ??= []).push(await floor!.measure(op, pairs));
              }
              for (const op of ["noop", "preview"] as const) {
                (entry.samples[op] ??= []).push({
                  seconds: 0,
                  glanceTotal: 0,
                  glance: {},
                  keystoneTotal: 0,
                  keystoneAuths: 0,
                  keystone: {},
                  providerProcesses: 0,
                });
              }
              entry.note = "no-op up and preview: nothing to send (0 s by definition)";
              continue;
            }
            const engine = contenders[c]!;
            await engine.configure(imagesOf[c]!, sc.perImage);
            for (const op of ops) {
              const sample = await engine.measure(op);
              (entry.samples[op] ??= []).push(sample);
              log(
                `  ${op}: ${sample.seconds.toFixed(2)} s, Glance ${sample.glanceTotal}, Keystone auths ${sample.keystoneAuths}, ` +
                  `provider processes ${sample.providerProcesses}, peak ${sample.providerPeakRssMb ?? "?"} MB, ` +
                  `CPU provider ${sample.providerCpuSeconds} s program ${sample.programCpuSeconds} s engine ${sample.engineCpuSeconds} s, load ${sample.load1}`,
              );
              if (op === "up" && rep === 0) entry.state = await engine.state(total);
              checkHarness(c, sc.label, op, sample, total, harnessProblems);
            }
            if (rep === 0 && entry.state && entry.state.members !== total) {
              harnessProblems.push(
                `${sc.label} ${c}: stack export has ${entry.state.members} members, want ${total}`,
              );
            }
          } catch (error) {
            entry.error = (error as Error).message.split("\n").slice(0, 3).join(" ");
            harnessProblems.push(`${sc.label} ${c}: ${entry.error}`);
            log(`${sc.label} ${c} failed: ${(error as Error).message.slice(0, 2000)}`);
            if (c !== "floor" && contenders[c]) {
              await contenders[c]!.project.destroy({ allowFailure: true }).catch(() => undefined);
            }
          }
        }
      }

      if (want("cli")) {
        const entry = result.contenders.cli!;
        const pairs = pairsOf(imagesOf.cli!, sc.perImage);
        log(`${sc.label} cli loop (${Math.min(options.cliSample, pairs.length)} calls each way)`);
        try {
          const up = await cliMeasure(cloud, "up", pairs, options.cliSample);
          const down = await cliMeasure(cloud, "destroy", pairs, options.cliSample);
          entry.samples.up = [up.sample];
          entry.samples.destroy = [down.sample];
          report.cli![sc.label] = {
            up: up.perCall,
            destroy: down.perCall,
            calls: up.calls,
            extrapolated: up.extrapolated,
          };
          entry.note = up.extrapolated
            ? `extrapolated: median of ${up.calls} calls × ${total}`
            : `all ${up.calls} calls timed`;
        } catch (error) {
          entry.error = (error as Error).message.split("\n")[0];
          harnessProblems.push(`${sc.label} cli: ${entry.error}`);
        }
      }

      for (const entry of Object.values(result.contenders)) {
        for (const op of ops) {
          const samples = entry!.samples[op];
          if (samples?.length) entry!.medians[op] = stats(samples.map((s) => s.seconds));
        }
      }
    }
  } finally {
    for (const e of engines) {
      e.cleanUp();
    }
    await cloud.driver.cleanUp().catch(() => undefined);
    await cloud.stop();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }

  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  report.targets = evaluateTargets(report.results, options);
  fs.mkdirSync(options.out, { recursive: true });
  const jsonFile = path.join(options.out, options.smoke ? "smoke.json" : "results.json");
  fs.writeFileSync(jsonFile, JSON.stringify(report, null, 2) + "\n");

  if (options.smoke) {
    console.log(smokeLine(report));
    return harnessProblems.length ? 1 : 0;
  }
  writeReport(report, options.out);
  log(`wrote ${jsonFile}, chart.svg and README.md in ${options.out}`);
  for (const t of report.targets) {
    console.log(
      `${t.met === true ? "MET    " : t.met === false ? "NOT MET" : "n/a    "} ${t.target}: ${t.measured}`,
    );
  }
  if (harnessProblems.length) {
    console.log(`harness problems:\n  ${harnessProblems.join("\n  ")}`);
    return 1;
  }
  return 0;
}

/** Signs that the harness, not the provider's speed, is broken. */
function checkHarness(
  c: ContenderName,
  label: string,
  op: OpName,
  sample: OpSample,
  total: number,
  problems: string[],
): void {
  const where = `${label} ${c} ${op}`;
  if (sample.providerProcesses === 0) problems.push(`${where}: no provider process was seen`);
  if ((op === "up" || op === "destroy") && sample.glanceTotal === 0) {
    problems.push(`${where}: the Glance proxy saw no request (is the provider going around it?)`);
  }
  const changed =
    op === "up" ? sample.changes?.created : op === "destroy" ? sample.changes?.deleted : undefined;
  // The engine's counts include the stack resource itself.
  if ((op === "up" || op === "destroy") && changed !== undefined && changed !== total + 1) {
    problems.push(`${where}: the engine reports ${changed} resources changed, want ${total + 1}`);
  }
}

function smokeLine(report: Report): string {
  const s = report.results[0];
  const ours = s?.contenders.ours;
  const floor = s?.contenders.floor;
  const sample = (op: OpName) => ours?.samples[op]?.[0];
  const parts = [
    `bench smoke ${s?.label ?? "?"}:`,
    ...ops.map((op) => `${op} ${fmtS(sample(op)?.seconds)} s`),
    `(floor up ${fmtS(floor?.samples.up?.[0]?.seconds)} s);`,
    `Glance up/noop/preview/destroy ${["up", "noop", "preview", "destroy"].map((op) => sample(op as OpName)?.glanceTotal ?? "?").join("/")};`,
    `Keystone auths up ${sample("up")?.keystoneAuths ?? "?"};`,
    `state ${ours?.state?.bytesPerMember ?? "?"} B/member (__provider ${ours?.state?.providerBytes ?? "?"} B);`,
    `provider peak ${sample("up")?.providerPeakRssMb ?? "?"} MB;`,
    report.harnessProblems.length
      ? `HARNESS BROKEN: ${report.harnessProblems.join("; ")}`
      : "harness OK",
  ];
  return parts.join(" ");
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${(error as Error).stack ?? error}`);
    process.exit(2);
  },
);
