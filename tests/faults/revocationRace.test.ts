/**
 * Fault scenario R: a revocation that meets the member project's status change (issue 27).
 * Two stacks of tests/faults/programs/revocation, two processes: the owner's stack shares four
 * images with consumer1 (two by `ImageMember`, two by `ImageMembers`) and then revokes them,
 * by `pulumi destroy` in even rounds and by a `pulumi up` that no longer shares them in odd
 * ones; at the same moment the member project's own stack (`ImageMemberAcceptance`) changes
 * its status. A gate in front of Glance (./revocationGate.ts) holds each member's DELETE and
 * PUT until both have arrived and forwards them together. The installed Glance can then write
 * the member back after deleting it (docs/failure-modes.md, "A revocation meets a status
 * change"); a run that says it deleted the members must leave none, round after round.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { FaultProxy } from "../support/faultProxy";
import { PulumiProject } from "../support/pulumiEngine";
import { GlanceDriver, loadCloudFile, stackConfigOf } from "../support/realCloud";
import { runAll } from "../support/cleanup";
import { errorLines, memberPath, report, seedFor } from "../support/faultStack";
import { RevocationGate } from "./revocationGate";

jest.setTimeout(40 * 60_000);

const rounds = Number(process.env.PIM_REVOCATION_ROUNDS ?? 20);
const imagesPerRound = 4;
const programDir = path.join(projectRoot, "tests/faults/programs/revocation");
const membersListPath = /^\/v2\/images\/[^/]+\/members$/;

type Status = "accepted" | "rejected";

describe("scenario R: revocation racing the member's status change", () => {
  const seed = seedFor("scenario R", "sR-20261207");
  const cloud = loadCloudFile();
  const ownerIdentity = cloud.identities.owner;
  const memberIdentity = cloud.identities.consumer1;
  const memberId = memberIdentity.projectId;
  const owner = new GlanceDriver(cloud, ownerIdentity);
  const glance = new FaultProxy(cloud.glanceUrl, seed, "glance");
  const gate = new RevocationGate(20_000);
  const ownerStack = new PulumiProject(programDir, "revocation-owner");
  const memberStack = new PulumiProject(programDir, "revocation-member");
  const imageIds: string[] = [];

  /** The status the member's stack has in state for each image (absent: none yet). */
  async function memberStatuses(): Promise<Map<string, string>> {
    const { text } = await memberStack.exportState();
    const resources = (JSON.parse(text).deployment.resources ?? []) as {
      type: string;
      outputs?: { imageId?: string; status?: string };
    }[];
    return new Map(
      resources
        .filter((r) => r.type.endsWith(":ImageMemberAcceptance"))
        .map((r) => [String(r.outputs?.imageId), String(r.outputs?.status)]),
    );
  }

  beforeAll(async () => {
    await glance.start();
    glance.rules = [gate.rule];
    for (let i = 0; i < imagesPerRound; i++) imageIds.push(await owner.createImage());
    const common = { imageIds: JSON.stringify(imageIds), memberId };
    for (const [stack, identity, role] of [
      [ownerStack, ownerIdentity, "owner"],
      [memberStack, memberIdentity, "member"],
    ] as const) {
      const { "openstack:password": password, ...config } = stackConfigOf(identity, {
        "openstack:imageEndpoint": glance.url,
        role,
        ...common,
      });
      await stack.init(config, { "openstack:password": password });
      // The gate holds each DELETE until the member's PUT of the same image arrives, and the
      // reverse: a provider that sends one request first with a new token (the token ramp)
      // would wait for an answer the gate holds back, so both stacks send everything at once.
      stack.env.PIM_TOKEN_RAMP = "off";
    }
  });

  afterAll(async () => {
    gate.disarm();
    await runAll([
      () => memberStack.destroy({ allowFailure: true }),
      () => ownerStack.destroy({ allowFailure: true }),
      async () => {
        for (const id of imageIds) {
          for (const m of await owner.memberIds(id)) await owner.deleteMember(id, m);
        }
      },
      () => memberStack.cleanUp(),
      () => ownerStack.cleanUp(),
      () => owner.cleanUp(),
      () => glance.stop(),
    ]);
  });

  test(`${rounds} rounds: a revocation that succeeds leaves no member`, async () => {
    let resurrected = 0;
    let removals = 0;
    let released = 0;
    let deletes = 0;
    let reads = 0;
    const started = Date.now();
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const byDestroy = round % 2 === 0;
      // Share (again): the owner's up is not gated (no DELETE, no PUT).
      gate.disarm();
      await ownerStack.setConfig("share", "true");
      await ownerStack.up();
      expect(await Promise.all(imageIds.map((id) => owner.memberIds(id)))).toEqual(
        imageIds.map(() => [memberId]),
      );
      // The member's stack will change every status it holds, so each image gets its PUT.
      const had = await memberStatuses();
      const statuses = imageIds.map((id): Status =>
        had.get(id) === "accepted" ? "rejected" : "accepted",
      );
      await memberStack.setConfig("statuses", JSON.stringify(statuses));

      glance.clear();
      gate.arm();
      if (!byDestroy) await ownerStack.setConfig("share", "false");
      const [revoked, statusSet] = await Promise.all([
        byDestroy
          ? ownerStack.destroy({ allowFailure: true })
          : ownerStack.up({ allowFailure: true }),
        memberStack.up({ allowFailure: true }),
      ]);
      gate.disarm();
      await glance.settled();

      const pairs = gate.pairs.filter((p) => p.released).length;
      released += pairs;
      removals += imageIds.length;
      deletes += glance.count("DELETE", memberPath);
      reads += glance.count("GET", memberPath) + glance.count("GET", membersListPath);
      const remaining = await Promise.all(imageIds.map((id) => owner.memberIds(id)));
      const left = remaining.flat().length;
      // Even images are shared by an ImageMember, odd ones by an ImageMembers.
      const leftBy = (parity: number) =>
        remaining.filter((ids, i) => i % 2 === parity && ids.length > 0).length;
      const said = byDestroy ? /deleted/.test(revoked.stdout) : revoked.code === 0;
      console.log(
        `scenario R round ${round + 1}/${rounds} (${byDestroy ? "destroy" : "up"}): owner exit ` +
          `${revoked.code}, member exit ${statusSet.code}; ${pairs}/${imageIds.length} pairs ` +
          `released together; ${left} member(s) left (ImageMember ${leftBy(0)}, ImageMembers ` +
          `${leftBy(1)}); requests: ${glance.summary()}`,
      );
      if (left > 0) {
        // What reached Glance for each member left, and when (ms after the round's first request).
        const t0 = glance.requests[0]?.arrivedAt ?? 0;
        const timeline = glance.requests
          .filter((r) => remaining.some((ids, i) => ids.length > 0 && r.path.includes(imageIds[i])))
          .map(
            (r) =>
              `${r.method} ${r.path.endsWith("/members") ? "list" : "member"} ` +
              `${r.arrivedAt - t0}→${(r.upstreamAnsweredAt ?? 0) - t0} ms ${r.status}`,
          );
        console.log(`scenario R round ${round + 1}: ${timeline.join(", ")}`);
      }
      if (revoked.code === 0 && said) {
        resurrected += left;
        if (left > 0) failures.push(`round ${round + 1}: ${left} member(s) back after "deleted"`);
      } else {
        failures.push(
          `round ${round + 1}: the revocation failed: ${errorLines(revoked).join(" | ")}`,
        );
      }
      // Start the next round clean whatever happened (a member left would meet the POST as 409).
      for (const id of imageIds) {
        for (const m of await owner.memberIds(id)) await owner.deleteMember(id, m);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `scenario R: ${rounds} rounds, ${removals} removals, ${released} DELETE+PUT pairs released ` +
        `together, ${resurrected} member(s) resurrected after a revocation that succeeded; ` +
        `${deletes} DELETEs and ${reads} confirming reads by the owner (${seconds.toFixed(0)} s)`,
    );
    report({
      scenario: "R. revocation racing the member's status change",
      seed,
      seconds,
      rounds,
      removals,
      pairsReleasedTogether: released,
      resurrected,
      deletes,
      reads,
    });
    // The race must have happened: most pairs met at the gate (a PUT may lose to the DELETE
    // and never be sent only if the member's up was not running; every round it is).
    expect(released).toBeGreaterThanOrEqual(removals * 0.9);
    expect(failures).toEqual([]);
    expect(resurrected).toBe(0);
  });
});
