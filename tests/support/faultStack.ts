/**
 * The fault tier's set-up, written once: one image of the owner, a fault proxy in front of
 * Keystone and one in front of Glance, and the root quickstart (or another program taking the
 * same `imageId` and `members` config) as a stack of 50 members whose provider talks to the
 * cloud only through the proxies. After each scenario `expectConverged` checks, against
 * Glance directly, that Glance, the stack's state and the program agree, with no orphan and
 * no duplicate.
 */
import * as fs from "fs";
import { projectRoot } from "./childProcess";
import { FaultProxy, FaultRule } from "./faultProxy";
import { CommandResult, PulumiProject } from "./pulumiEngine";
import { CloudFile, GlanceDriver, loadCloudFile, osEnvironmentOf } from "./realCloud";
import { runAll } from "./cleanup";

export const memberCount = 50;

/** `m00` → `fault-project-00`, ...: Glance does not check that member ids are projects. */
export function declaredMembers(count = memberCount): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const n = String(i).padStart(2, "0");
      return [`m${n}`, `fault-project-${n}`];
    }),
  );
}

/** The seed of a suite: FAULT_SEED if set (to replay a failure), else the suite's default. */
export function seedFor(suite: string, fallback: string): string {
  const seed = process.env.FAULT_SEED ?? fallback;
  console.log(`${suite}: fault seed ${seed} (replay with FAULT_SEED=${seed})`);
  return seed;
}

/** Member POSTs (`/v2/images/<id>/members`). */
export const membersPath = /^\/v2\/images\/[^/]+\/members$/;
/** Member GETs and DELETEs (`/v2/images/<id>/members/<member>`). */
export const memberPath = /^\/v2\/images\/[^/]+\/members\/[^/]+$/;

/** The member id a member POST is about. */
export function postedMember(body: string): string {
  return (JSON.parse(body) as { member: string }).member;
}

/**
 * The POST of `memberId` reaches Glance, its answer is cut, and Glance answers 503 to every
 * request from then on (until the proxy's mode is set back to normal).
 */
export function lostAnswerThenDown(memberId: string): FaultRule {
  return (request, proxy) => {
    if (request.method === "POST" && postedMember(request.body) === memberId) {
      void proxy.setMode("down-503");
      return { kind: "cutResponse" };
    }
    return undefined;
  };
}

export interface StateView {
  memberIds: string[];
  ids: string[];
  pendingOperations: { type: string; urn: string; id?: string; inputs: Record<string, unknown> }[];
  text: string;
}

export interface TimedResult extends CommandResult {
  seconds: number;
}

/** Results collected for the docs' table; appended to $FAULT_REPORT (JSON lines) if set. */
export function report(entry: Record<string, unknown>): void {
  console.log(`fault report: ${JSON.stringify(entry)}`);
  if (process.env.FAULT_REPORT) {
    fs.appendFileSync(process.env.FAULT_REPORT, `${JSON.stringify(entry)}\n`);
  }
}

export interface FaultStackOptions {
  /** The project folder; default the root quickstart (the dynamic provider). */
  projectDir?: string;
  /**
   * How the owner's credentials reach the provider: `openstack:*` stack config (default; the
   * dynamic provider), or `OS_*` variables for every command (the provider plugin, which reads
   * no stack config). Either way through the proxies: Keystone's URL and the image endpoint
   * name them.
   */
  credentials?: "stackConfig" | "environment";
}

export class FaultStack {
  readonly cloud: CloudFile;
  readonly owner: GlanceDriver;
  readonly keystone: FaultProxy;
  readonly glance: FaultProxy;
  readonly project: PulumiProject;
  imageId = "";
  members: Record<string, string> = declaredMembers();

  constructor(
    readonly name: string,
    seed: string,
    private readonly options: FaultStackOptions = {},
  ) {
    this.cloud = loadCloudFile();
    this.owner = new GlanceDriver(this.cloud, this.cloud.identities.owner);
    this.keystone = new FaultProxy(this.cloud.keystoneUrl, seed, "keystone");
    this.glance = new FaultProxy(this.cloud.glanceUrl, seed, "glance");
    this.project = new PulumiProject(options.projectDir ?? projectRoot, name);
  }

  async setUp(): Promise<void> {
    await Promise.all([this.keystone.start(), this.glance.start()]);
    this.imageId = await this.owner.createImage();
    const o = this.cloud.identities.owner;
    if (this.options.credentials === "environment") {
      this.project.env = {
        ...osEnvironmentOf(o, `${this.keystone.url}/v3`),
        OS_IMAGE_ENDPOINT_OVERRIDE: this.glance.url,
      };
      await this.project.init({ imageId: this.imageId });
      await this.project.setConfig("members", JSON.stringify(this.members));
      return;
    }
    await this.project.init(
      {
        "openstack:authUrl": `${this.keystone.url}/v3`,
        "openstack:userName": o.username,
        "openstack:tenantName": o.projectName,
        "openstack:userDomainName": o.userDomainName,
        "openstack:projectDomainName": o.projectDomainName,
        "openstack:region": o.region,
        "openstack:imageEndpoint": this.glance.url,
        imageId: this.imageId,
      },
      { "openstack:password": o.password },
    );
    await this.project.setConfig("members", JSON.stringify(this.members));
  }

  declaredIds(): string[] {
    return Object.values(this.members).sort();
  }

  async up(
    options: { allowFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<TimedResult> {
    const started = Date.now();
    const result = await this.project.up(options);
    return { ...result, seconds: (Date.now() - started) / 1000 };
  }

  async state(): Promise<StateView> {
    const exported = await this.project.exportState();
    const deployment = JSON.parse(exported.text).deployment as {
      resources?: { type: string; id?: string; outputs?: Record<string, unknown> }[];
      pending_operations?: {
        type: string;
        resource: { urn: string; id?: string; inputs: Record<string, unknown> };
      }[];
    };
    const members = (deployment.resources ?? []).filter((r) => r.type.endsWith("ImageMember"));
    return {
      memberIds: members.map((r) => String(r.outputs?.memberId)).sort(),
      ids: members.map((r) => String(r.id)).sort(),
      pendingOperations: (deployment.pending_operations ?? []).map((op) => ({
        type: op.type,
        urn: op.resource.urn,
        id: op.resource.id,
        inputs: op.resource.inputs,
      })),
      text: exported.text,
    };
  }

  /** Glance (asked directly, not through the proxy) == state == declared; no duplicate, no orphan. */
  async expectConverged(declared: string[] = this.declaredIds()): Promise<void> {
    const inGlance = await this.owner.memberIds(this.imageId);
    const state = await this.state();
    expect(duplicates(inGlance)).toEqual([]);
    expect(duplicates(state.memberIds)).toEqual([]);
    expect(state.pendingOperations).toEqual([]);
    expect(inGlance).toEqual([...declared].sort());
    expect(state.memberIds).toEqual([...declared].sort());
    expect(state.ids).toEqual(declared.map((m) => `${this.imageId}/${m}`).sort());
  }

  /** Glance == state (a subset of what is declared), for a run that failed part way. */
  async expectGlanceMatchesState(): Promise<string[]> {
    const inGlance = await this.owner.memberIds(this.imageId);
    const state = await this.state();
    expect(duplicates(state.memberIds)).toEqual([]);
    expect(state.pendingOperations).toEqual([]);
    expect(inGlance).toEqual(state.memberIds);
    for (const m of inGlance) expect(this.declaredIds()).toContain(m);
    return inGlance;
  }

  /** Destroy with the proxies healthy, check Glance is empty, then remove everything. */
  async tearDown(): Promise<void> {
    this.glance.rules = [];
    this.keystone.rules = [];
    await this.glance.setMode("normal").catch(() => undefined);
    try {
      const destroyed = await this.project.destroy({ allowFailure: true });
      if (destroyed.code === 0 && this.imageId) {
        expect(await this.owner.memberIds(this.imageId)).toEqual([]);
      }
    } finally {
      await runAll([
        () => this.project.cleanUp(),
        () => this.owner.cleanUp(),
        () => this.keystone.stop(),
        () => this.glance.stop(),
      ]);
    }
  }
}

export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

/** Lines of the engine's output that name ImageMember failures (for messages and logs). */
export function errorLines(result: CommandResult): string[] {
  return `${result.stdout}\n${result.stderr}`
    .split("\n")
    .filter((line) => /error|Cannot /i.test(line))
    .map((line) => line.trim());
}

export interface FaultScenarioOptions extends FaultStackOptions {
  /** Per test, in milliseconds. */
  timeout?: number;
  /** The members the program declares before the first run (default `declaredMembers()`). */
  members?: Record<string, string>;
}

/**
 * Call in a scenario's describe block: its seed (FAULT_SEED to replay a failure, else
 * `fallbackSeed`), and its stack (`name`), set up before the block's tests (after any
 * beforeAll declared earlier) and torn down after them.
 */
export function faultScenario(
  scenario: string,
  name: string,
  fallbackSeed: string,
  options: FaultScenarioOptions = {},
): { seed: string; stack: FaultStack } {
  jest.setTimeout(options.timeout ?? 300_000);
  const seed = seedFor(scenario, fallbackSeed);
  const stack = new FaultStack(name, seed, options);
  if (options.members) stack.members = options.members;
  beforeAll(() => stack.setUp());
  afterAll(() => stack.tearDown());
  return { seed, stack };
}
