/**
 * Fault scenario 7: one `ImageMembers` (tests/e2e/programs/image-members) through an outage
 * that lasts across two runs (issue 20). Run 1 shares with 10 projects. Run 2 adds one: its
 * POST reaches Glance, the answer is cut, and Glance answers 503 from then on, so state keeps
 * the member as unsettled. Run 3, Glance still down, meets only 503s: nothing may be dropped
 * from state, since Glance holds the member. Run 4, Glance back and the program no longer
 * listing that project: the member is deleted, and Glance == state == declared.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import {
  declaredMembers,
  errorLines,
  faultScenario,
  memberPath,
  membersPath,
  lostAnswerThenDown,
  report,
} from "../support/faultStack";

interface StoredMember {
  memberId: string;
  status: string;
}

describe("scenario 7: ImageMembers through an outage lasting two runs", () => {
  const { seed, stack } = faultScenario("scenario 7", "faults-members-outage", "s7-20251202", {
    projectDir: path.join(projectRoot, "tests/e2e/programs/image-members"),
    members: declaredMembers(10),
  });
  const extra = "fault-project-10";
  const escaped = () => stack.imageId.replace(/-/g, "\\-");
  let seconds = 0;

  /** The ImageMembers resource's `members` output in state, by project id. */
  async function stored(): Promise<Record<string, string>> {
    const { text } = await stack.project.exportState();
    const resources = (JSON.parse(text).deployment.resources ?? []) as {
      type: string;
      outputs?: { members?: StoredMember[] };
    }[];
    const members = resources.find((r) => r.type.endsWith(":ImageMembers"))?.outputs?.members;
    return Object.fromEntries((members ?? []).map((m) => [m.memberId, m.status]));
  }

  async function declare(members: Record<string, string>): Promise<void> {
    stack.members = members;
    await stack.project.setConfig("projects", JSON.stringify(members));
  }

  beforeAll(() => declare(stack.members));

  test("run 1: ten members shared", async () => {
    const up = await stack.up();
    seconds += up.seconds;
    expect(up.code).toBe(0);
    expect(await stack.owner.memberIds(stack.imageId)).toEqual(stack.declaredIds());
    expect(Object.keys(await stored()).sort()).toEqual(stack.declaredIds());
  });

  test("run 2: the new member's answer is lost as Glance goes down: kept as unknown", async () => {
    await declare({ ...declaredMembers(10), m10: extra });
    stack.glance.clear();
    stack.glance.rules = [lostAnswerThenDown(extra)];
    const up = await stack.up({ allowFailure: true });
    seconds += up.seconds;
    expect(up.code).not.toBe(0);
    expect(`${up.stdout}\n${up.stderr}`).toMatch(
      new RegExp(`Cannot share image ${escaped()} with project ${extra}: the image service failed`),
    );
    expect(await stack.owner.memberIds(stack.imageId)).toContain(extra);
    expect((await stored())[extra]).toBe("unknown");
  });

  test("run 3: Glance still down, every POST a 503: nothing is dropped from state", async () => {
    stack.glance.clear();
    stack.glance.rules = [];
    const up = await stack.up({ allowFailure: true });
    seconds += up.seconds;
    expect(up.code).not.toBe(0);
    const posts = stack.glance.matching("POST", membersPath);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((r) => r.status === 503)).toBe(true);
    console.log(
      `scenario 7 run 3: exit ${up.code}; ${posts.length} POSTs, all 503; ` +
        errorLines(up).find((l) => l.includes("Cannot")),
    );
    // Glance (asked directly) still holds the member, and so does state: an access that
    // state forgot here would never be removed.
    const inGlance = await stack.owner.memberIds(stack.imageId);
    const inState = await stored();
    expect(inGlance).toContain(extra);
    expect(Object.keys(inState).sort()).toEqual(inGlance);
    expect(inState[extra]).toBe("unknown");
  });

  test("run 4: Glance back, the program no longer lists it: deleted; Glance == state == declared", async () => {
    await stack.glance.setMode("normal");
    stack.glance.clear();
    await declare(declaredMembers(10));
    const up = await stack.up();
    seconds += up.seconds;
    expect(up.code).toBe(0);
    const deletes = stack.glance.matching("DELETE", memberPath);
    expect(deletes.map((r) => r.path.split("/").pop())).toEqual([extra]);
    const inGlance = await stack.owner.memberIds(stack.imageId);
    expect(inGlance).toEqual(stack.declaredIds());
    expect(Object.keys(await stored()).sort()).toEqual(inGlance);
    report({
      scenario: "7. ImageMembers: lost answer, Glance down for two runs, then the project dropped",
      seed,
      seconds,
      requests: deletes.length,
      faults: 0,
      outcome: "kept as unknown through the outage; deleted on the run after recovery",
    });
  });
});
