/**
 * Fault scenario 6: Glance down beyond the retry budget. `pulumi up` fails naming the image,
 * the project and the cause, state keeps exactly what was created, and the next `up` converges;
 * 6d: a lost answer then the outage (docs/failure-modes.md, "A create that may have landed").
 */
import { FaultRule } from "../support/faultProxy";
import {
  errorLines,
  faultScenario,
  lostAnswerThenDown,
  membersPath,
  report,
} from "../support/faultStack";

describe("scenario 6: Glance down beyond the retry budget", () => {
  const { seed, stack } = faultScenario("scenario 6", "faults-down", "s6-20251127");
  const escaped = () => stack.imageId.replace(/-/g, "\\-");

  test("a) Glance answers 503 to everything after 20 members: up fails naming what failed; state == Glance", async () => {
    const downAfter20: FaultRule = (request, proxy) => {
      if (request.method === "POST" && proxy.count("POST", membersPath) === 21) {
        void proxy.setMode("down-503"); // this one and every later request: 503
        return { kind: "status", status: 503, body: '{"message": "fault proxy: service down"}' };
      }
      return undefined;
    };
    stack.glance.rules = [downAfter20];
    const up = await stack.up({ allowFailure: true });
    expect(up.code).not.toBe(0);
    const output = `${up.stdout}\n${up.stderr}`;
    expect(output).toMatch(
      new RegExp(
        `Cannot share image ${escaped()} with project fault-project-\\d\\d: the image service failed \\(503\\) ` +
          `and kept failing after retries; try again later.*\\(server said: HTTP 503, "fault proxy: service down"\\)`,
      ),
    );
    const inGlance = await stack.expectGlanceMatchesState();
    expect(inGlance).toHaveLength(20);
    console.log(
      `scenario 6a up: ${up.seconds.toFixed(1)} s, exit ${up.code}; ${inGlance.length} members created and in state; ` +
        `first error: ${errorLines(up).find((l) => l.includes("Cannot share"))}`,
    );
    report({
      scenario: "6a. Glance 503 after 20 members",
      seed,
      seconds: up.seconds,
      requests: stack.glance.requests.length,
      faults: stack.glance.requests.filter((r) => r.status === 503).length,
      outcome: `up fails (exit ${up.code}), 20 in Glance == 20 in state`,
    });
  });

  test("b) Glance refuses connections: up fails with ECONNREFUSED naming the request; nothing changes", async () => {
    stack.glance.rules = [];
    await stack.glance.setMode("normal");
    await stack.glance.setMode("down-refuse");
    const before = await stack.owner.memberIds(stack.imageId);
    const up = await stack.up({ allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(`${up.stdout}\n${up.stderr}`).toMatch(
      new RegExp(
        `Cannot share image ${escaped()} with project fault-project-\\d\\d: the cloud could not be reached: ` +
          `POST 127\\.0\\.0\\.1:${stack.glance.port}/v2/images/${escaped()}/members failed after 5 attempt\\(s\\): ` +
          `ECONNREFUSED`,
      ),
    );
    expect(await stack.expectGlanceMatchesState()).toEqual(before);
    console.log(
      `scenario 6b up: ${up.seconds.toFixed(1)} s, exit ${up.code}; first error: ` +
        errorLines(up).find((l) => l.includes("Cannot share")),
    );
    report({
      scenario: "6b. Glance port closed",
      seed,
      seconds: up.seconds,
      requests: 0,
      faults: 0,
      outcome: `up fails (exit ${up.code}) with ECONNREFUSED, nothing changed`,
    });
  });

  test("c) Glance back: the next pulumi up creates the other 30 and converges", async () => {
    await stack.glance.setMode("normal");
    stack.glance.clear();
    const up = await stack.up();
    expect(up.code).toBe(0);
    const posts = stack.glance.matching("POST", membersPath);
    expect(posts).toHaveLength(30);
    expect(posts.every((r) => r.upstreamStatus === 200)).toBe(true);
    await stack.expectConverged();
    console.log(`scenario 6c up: ${up.seconds.toFixed(1)} s; 30 created, converged`);
    report({
      scenario: "6c. Glance back",
      seed,
      seconds: up.seconds,
      requests: posts.length,
      faults: 0,
      outcome: "converged",
    });
  });

  test("d) a lost answer, then an outage beyond the budget: the member is created but unknown to state", async () => {
    const extra = "fault-project-50";
    stack.members = { ...stack.members, m50: extra };
    await stack.project.setConfig("members", JSON.stringify(stack.members));
    stack.glance.clear();
    // The POST of the new member reaches Glance, its answer is cut, and Glance goes down.
    stack.glance.rules = [lostAnswerThenDown(extra)];
    const failed = await stack.up({ allowFailure: true });
    expect(failed.code).not.toBe(0);
    expect(`${failed.stdout}\n${failed.stderr}`).toMatch(
      new RegExp(
        `Cannot share image ${escaped()} with project ${extra}: the image service failed \\(503\\)`,
      ),
    );
    console.log(
      `scenario 6d failed up: exit ${failed.code}; ` +
        errorLines(failed)
          .filter((l) => l.includes(extra) || /initiali[sz]e/i.test(l))
          .join(" | "),
    );
    const posts = stack.glance.matching("POST", membersPath);
    expect(posts.map((r) => r.status ?? r.action)).toEqual(["cutResponse", 503, 503, 503, 503]);
    expect(await stack.owner.memberIds(stack.imageId)).toContain(extra);

    await stack.glance.setMode("normal");
    stack.glance.rules = [];
    const afterOutage = await stack.state();
    // A create that may have landed fails as "created, failed to initialise" with its id, so
    // the engine keeps the member in state and the next up finishes it.
    expect(afterOutage.memberIds).toContain(extra);
    // With the project that made it recorded, so a 404 from another project never drops it.
    const ownerId = stack.cloud.identities.owner.projectId;
    expect(outputsOf(afterOutage.text, extra)).toMatchObject({
      status: "unknown",
      managingProjectId: ownerId,
    });
    const started = Date.now();
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect(outputsOf((await stack.state()).text, extra)).toMatchObject({
      status: "pending",
      managingProjectId: ownerId,
    });
    console.log(
      `scenario 6d next up: ${up.stdout
        .split("\n")
        .filter((l) => /ImageMember|updated|Resources/.test(l))
        .join(" | ")}`,
    );
    const outcome = "recorded as failed to initialise; next up converged";
    await stack.expectConverged();
    console.log(`scenario 6d: ${outcome}`);
    report({
      scenario: "6d. lost answer, then Glance down",
      seed,
      seconds: failed.seconds + (Date.now() - started) / 1000,
      requests: posts.length,
      faults: 5,
      outcome,
    });
  });
});

/** The outputs state holds for the ImageMember of `memberId`. */
function outputsOf(stateText: string, memberId: string): Record<string, unknown> | undefined {
  const resources = (JSON.parse(stateText).deployment.resources ?? []) as {
    type: string;
    outputs?: Record<string, unknown>;
  }[];
  return resources.find((r) => r.type.endsWith("ImageMember") && r.outputs?.memberId === memberId)
    ?.outputs;
}
