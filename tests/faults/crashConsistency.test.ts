/**
 * Crash consistency: `pulumi up` creating 50 members is killed with SIGKILL part way, then
 * recovered with the documented commands (docs/failure-modes.md, "The engine was killed").
 *
 * Every member POST waits 400 ms in the proxy before reaching Glance and has its answer held
 * 600 ms after, so that at the kill some creates have landed in Glance unbeknown to the engine
 * and others have not reached Glance yet. Two kill points:
 *  - after 10 member POSTs, the whole process tree (engine, language host, program, provider):
 *    what a CI runner that kills the job's container does;
 *  - after 30, only the `pulumi` process: its plugins run in process groups of their own and
 *    live on (a `kill -9` of the CLI, or of its process group, leaves them running), so the
 *    provider's queued POSTs still land after the engine is gone.
 *
 * Findings this test pins down (Pulumi CLI 3.274.1, the current provider):
 *  - the state is consistent at every kill: every member in Glance is either in state or a
 *    pending create (the engine writes the pending operation before calling the provider);
 *  - the file backend keeps the stack locked: `pulumi cancel --yes` releases it;
 *  - `pulumi refresh --import-pending-creates URN ID ...` exits 0 and empties pending_operations,
 *    but the engine never turns the "importing" operations it leaves into resources: the
 *    members are dropped, exactly as with `--clear-pending-creates`;
 *  - the next `pulumi up` then meets 409 for each member whose create had landed and fails
 *    ("already a member ..., outside this stack"): a pending create that landed is not adopted.
 *  - recovery today: remove those members (`openstack image remove project`), then
 *    `pulumi up`; with the recommended provider change, `IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up`.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import { sleep } from "../support/faultProxy";
import { pulumiBinDir } from "../support/pulumiEngine";
import { FaultStack, membersPath, providerAdoptSwitch, report, seedFor } from "./harness";

jest.setTimeout(300_000);

interface KillPoint {
  afterPosts: number;
  kill: "whole process tree" | "pulumi process only";
  refresh: "--import-pending-creates" | "--clear-pending-creates";
}

const points: KillPoint[] = [
  { afterPosts: 10, kill: "whole process tree", refresh: "--import-pending-creates" },
  { afterPosts: 30, kill: "pulumi process only", refresh: "--clear-pending-creates" },
];

/**
 * The processes under `root`. Pulumi starts its plugins (the language host, the dynamic
 * provider) in process groups of their own, so killing the CLI's group leaves them running:
 * the tree is collected by parent pid instead.
 */
function descendants(root: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of table) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

function firstLine(result: { stdout: string; stderr: string }, pattern: RegExp): string {
  return (
    `${result.stdout}\n${result.stderr}`
      .split("\n")
      .find((line) => pattern.test(line))
      ?.trim() ?? "(none)"
  );
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

/** `pulumi up` as a child (own process group), with the environment PulumiProject gives it. */
function startUp(stack: FaultStack): ChildProcess {
  const project = stack.project;
  const args = [
    "up",
    "--yes",
    "--skip-preview",
    "--stack",
    project.stack,
    "--config-file",
    project.configFile,
    "--cwd",
    project.projectDir,
    "--non-interactive",
  ];
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OS_") && !k.startsWith("PULUMI_")),
    ),
    PATH: `${pulumiBinDir()}:${process.env.PATH}`,
    PULUMI_HOME: `${project.workDir}/home`,
    PULUMI_BACKEND_URL: `file://${project.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
  };
  return spawn("pulumi", args, { env, detached: true, stdio: "ignore" });
}

describe.each(points)(
  "crash consistency: SIGKILL after $afterPosts member POSTs ($kill)",
  (point) => {
    const seed = seedFor(`crash after ${point.afterPosts}`, `crash-${point.afterPosts}`);
    const stack = new FaultStack(`faults-crash-${point.afterPosts}`, seed);
    let tree: number[] = [];

    beforeAll(() => stack.setUp());
    afterAll(async () => {
      killAll(tree); // anything of the killed run still alive: ours to end
      await stack.tearDown();
    });

    test("state is consistent at the kill; cancel, refresh, up (+ adopting the landed creates) converge", async () => {
      const started = Date.now();
      stack.glance.rules = [
        (request) =>
          request.method === "POST" && membersPath.test(request.path)
            ? { kind: "delay", ms: 400, stallMs: 600 }
            : undefined,
      ];
      const child = startUp(stack);
      const pid = child.pid!;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      const deadline = Date.now() + 120_000;
      // Kill once enough POSTs arrived, at a moment when at least one create has reached
      // Glance unanswered and at least one has not reached it yet.
      const posts = () => stack.glance.matching("POST", membersPath);
      const killPointReached = () =>
        posts().length >= point.afterPosts &&
        posts().some((r) => r.upstreamStatus !== undefined && r.respondedAt === undefined) &&
        posts().some((r) => r.upstream === undefined && r.respondedAt === undefined);
      while (!killPointReached()) {
        if (Date.now() > deadline) throw new Error("pulumi up never reached the kill point");
        await sleep(5);
      }
      tree = [pid, ...descendants(pid)];
      if (point.kill === "whole process tree") {
        killAll(tree); // as when a CI job's container or cgroup is killed
      } else {
        process.kill(pid, "SIGKILL");
      }
      await exited;
      // With only the engine killed, the provider lives on and sends what it had queued.
      await stack.glance.settled(1_500);
      const survivors = tree.filter((p) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      });
      console.log(
        `killed ${point.kill} (${tree.length} processes); still alive afterwards: ${survivors.length}`,
      );
      killAll(tree);
      stack.glance.rules = [];

      // 1. Consistent at the kill: nothing in Glance without a record in state.
      const inGlance = await stack.owner.memberIds(stack.imageId);
      const crashed = await stack.state();
      const pendingCreates = crashed.pendingOperations.filter((op) => op.type === "creating");
      const pendingMembers = pendingCreates.map((op) => String(op.inputs.memberId)).sort();
      for (const m of crashed.memberIds) expect(inGlance).toContain(m);
      const unrecorded = inGlance.filter((m) => !crashed.memberIds.includes(m));
      for (const m of unrecorded) expect(pendingMembers).toContain(m);
      const landed = pendingMembers.filter((m) => inGlance.includes(m));
      const neverLanded = pendingMembers.filter((m) => !inGlance.includes(m));
      console.log(
        `crash after ${point.afterPosts} POSTs (${point.kill}): ${inGlance.length} in Glance, ` +
          `${crashed.memberIds.length} in state, ${pendingCreates.length} pending creates ` +
          `(${landed.length} landed in Glance: ${landed.join(" ")}; ${neverLanded.length} never sent)`,
      );
      expect(landed.length).toBeGreaterThan(0);
      if (point.kill === "whole process tree") {
        // The provider died with the engine: what it had not sent yet never reached Glance.
        expect(neverLanded.length).toBeGreaterThan(0);
      }

      // 2. The lock the killed engine left.
      const locked = await stack.up({ allowFailure: true });
      expect(locked.code).not.toBe(0);
      expect(`${locked.stdout}${locked.stderr}`).toMatch(
        /the stack is currently locked by 1 lock\(s\)/,
      );
      const cancel = await stack.project.run(["cancel", "--yes", "--stack", stack.project.stack]);
      expect(cancel.stdout).toMatch(/has been canceled/);
      console.log(
        `pulumi up (locked): ${firstLine(locked, /locked/)}\npulumi cancel --yes: ${firstLine(cancel, /canceled/)}`,
      );

      // 3. Resolve the pending creates.
      const refreshArgs =
        point.refresh === "--import-pending-creates"
          ? pendingCreates.flatMap((op) => [
              "--import-pending-creates",
              op.urn,
              "--import-pending-creates",
              `${op.inputs.imageId}/${op.inputs.memberId}`,
            ])
          : ["--clear-pending-creates"];
      const refresh = await stack.project.run([
        "refresh",
        "--yes",
        "--skip-preview",
        ...refreshArgs,
        "--stack",
        stack.project.stack,
        "--config-file",
        stack.project.configFile,
      ]);
      const refreshed = await stack.state();
      expect(refreshed.pendingOperations).toEqual([]);
      const imported = landed.filter((m) => refreshed.memberIds.includes(m));
      console.log(
        `pulumi refresh ${point.refresh}: exit ${refresh.code}; pending operations left: 0; ` +
          `landed creates now in state: ${imported.length} of ${landed.length}`,
      );

      // 4. The next up: each landed create that did not make it into state meets 409.
      const orphans = landed.filter((m) => !imported.includes(m));
      const next = await stack.up({ allowFailure: true });
      const conflicts = [
        ...`${next.stdout}\n${next.stderr}`.matchAll(
          /Cannot share image [0-9a-f-]+ with project (fault-project-\d\d): project \1 is already a member of image [0-9a-f-]+, outside this stack/g,
        ),
      ].map((m) => m[1]);
      if (orphans.length > 0) {
        expect(next.code).not.toBe(0);
        expect(conflicts.length).toBeGreaterThan(0);
        for (const m of conflicts) expect(orphans).toContain(m);
      } else {
        expect(next.code).toBe(0);
      }
      console.log(`pulumi up after refresh, first error: ${firstLine(next, /already a member/)}`);
      console.log(
        `pulumi up after refresh: exit ${next.code}; 409 "already a member ..., outside this stack" for ` +
          `${conflicts.length} of the ${orphans.length} orphans`,
      );

      // 5. Adopt (recommended provider switch) or remove the orphans, then up converges.
      let recovery = "none needed";
      if (orphans.length > 0) {
        if (providerAdoptSwitch()) {
          const adopted = await stack.up({ env: { IMAGE_MEMBERS_ADOPT_EXISTING: "true" } });
          expect(adopted.code).toBe(0);
          recovery = "IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up";
        } else {
          for (const m of orphans) await stack.owner.deleteMember(stack.imageId, m);
          const up = await stack.up();
          expect(up.code).toBe(0);
          recovery = `removed ${orphans.length} orphan(s) from Glance, then pulumi up`;
        }
      }
      await stack.expectConverged();
      const seconds = (Date.now() - started) / 1000;
      report({
        scenario: `crash: SIGKILL after ${point.afterPosts} POSTs (${point.kill}), refresh ${point.refresh}`,
        seed,
        seconds,
        pendingCreates: pendingCreates.length,
        landed: landed.length,
        importedByRefresh: imported.length,
        conflictsOnNextUp: conflicts.length,
        outcome: `converged after: cancel, refresh ${point.refresh}, up (${orphans.length ? "409s" : "ok"}), ${recovery}`,
      });
    });
  },
);
