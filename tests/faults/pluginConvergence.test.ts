/**
 * Fault scenario P: the converge-after-faults check on the provider plugin's path (issue 14).
 * The same 50 members as the other scenarios, declared as `imagemembers:index:ImageMember`
 * resources of the plugin (tests/faults/programs/plugin-members, the plugin found through
 * `plugins.providers` in its Pulumi.yaml, credentials from `OS_*`), under seeded faults of
 * every kind the transport handles, and an outage that stops the first `pulumi up` part way.
 * After that run nothing may be left unmanaged; after the re-run Glance == state == declared,
 * nothing doubled, one POST per member unless a fault caused another, no secret in state.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { FaultAction, FaultRule, RecordedRequest, seededFraction } from "../support/faultProxy";
import {
  faultScenario,
  duplicates,
  errorLines,
  memberPath,
  membersPath,
  postedMember,
  report,
} from "../support/faultStack";

const tokensPath = /\/v3\/auth\/tokens$/;
/** The member POST (counted on arrival, retries included) whose answer is cut as Glance goes down. */
const outageAtPost = 30;
/** DELETE attempts after this one are never faulted, so none can exhaust the 5-attempt budget. */
const lastFaultedDelete = 3;
const serviceUnavailable: FaultAction = {
  kind: "status",
  status: 503,
  body: '{"message": "fault proxy: 503 Service Unavailable"}',
};

/** How many attempts the seed gives the DELETE of `memberId`: 1 + the 503s it meets in a row. */
function deleteAttemptsFor(seed: string, memberId: string): number {
  const key = `DELETE /v2/images/{uuid}/members/${memberId} `;
  let attempt = 1;
  while (attempt <= lastFaultedDelete && seededFraction(seed, "P-delete", key, attempt) < 0.1) {
    attempt += 1;
  }
  return attempt;
}

/** A POST whose answer the client did not get whole: a fault the provider had to retry. */
function faulted(r: RecordedRequest): boolean {
  return r.action !== "forward" || r.clientGone === true || (r.status ?? 0) >= 500;
}

/** memberId → status of the plugin's ImageMember resources in a `pulumi stack export`. */
function statusesOf(stateText: string): Record<string, string> {
  const resources = (JSON.parse(stateText).deployment.resources ?? []) as {
    type: string;
    outputs?: Record<string, unknown>;
  }[];
  return Object.fromEntries(
    resources
      .filter((r) => r.type === "imagemembers:index:ImageMember")
      .map((r) => [String(r.outputs?.memberId), String(r.outputs?.status)]),
  );
}

describe("scenario P: the provider plugin under faults, then a re-run", () => {
  const { seed, stack } = faultScenario("scenario P", "faults-plugin", "sP-20251202", {
    projectDir: path.join(projectRoot, "tests/faults/programs/plugin-members"),
    credentials: "environment",
  });
  /** Member POSTs and GETs of both runs (the proxy's records are cleared between them). */
  const posts: RecordedRequest[] = [];
  const gets: RecordedRequest[] = [];
  let outageMember = "";
  let tokenFaulted = false;
  let unsettledAfterOutage: string[] = [];
  let firstRunSeconds = 0;

  /**
   * Seeded per member (the same members for a seed, whatever the arrival order): of the member
   * POSTs, 12 % have their first attempt forwarded and its answer cut (Glance created the
   * member; the retry meets 409 and must adopt it), 12 % their first attempt reset before
   * forwarding, 12 % their first two attempts answered 503; 30 % of member GETs (the reads
   * that adopt a member after a 409, or settle an unsettled one) have their first attempt
   * answered 503, and 10 % of the attempts 1 to 3 of member DELETEs.
   */
  const transient: FaultRule = (request, proxy) => {
    if (request.method === "POST" && membersPath.test(request.path)) {
      const f = seededFraction(proxy.seed, "P", request.key);
      if (f < 0.12) return request.attempt === 1 ? { kind: "cutResponse" } : undefined;
      if (f < 0.24) return request.attempt === 1 ? { kind: "reset" } : undefined;
      if (f < 0.36) return request.attempt <= 2 ? serviceUnavailable : undefined;
      return undefined;
    }
    if (request.method === "GET" && memberPath.test(request.path)) {
      return request.attempt === 1 && proxy.chance(request, 0.3, "P-read")
        ? serviceUnavailable
        : undefined;
    }
    if (request.method === "DELETE" && memberPath.test(request.path)) {
      return request.attempt <= lastFaultedDelete && proxy.chance(request, 0.1, "P-delete")
        ? serviceUnavailable
        : undefined;
    }
    return undefined;
  };

  /** The 30th member POST reaches Glance, its answer is cut, and Glance answers 503 from then on. */
  const outage: FaultRule = (request, proxy) => {
    if (
      outageMember === "" &&
      request.method === "POST" &&
      membersPath.test(request.path) &&
      proxy.count("POST", membersPath) === outageAtPost
    ) {
      outageMember = postedMember(request.body);
      void proxy.setMode("down-503");
      return { kind: "cutResponse" };
    }
    return undefined;
  };

  /** The first token request of each run is answered 503. */
  const keystoneOnce: FaultRule = (request) => {
    if (!tokenFaulted && request.method === "POST" && tokensPath.test(request.path)) {
      tokenFaulted = true;
      return serviceUnavailable;
    }
    return undefined;
  };

  /** Keeps the member requests of the run just ended, then forgets the proxies' records. */
  function collectRun(): void {
    posts.push(...stack.glance.matching("POST", membersPath));
    gets.push(...stack.glance.matching("GET", memberPath));
    stack.glance.clear();
    stack.keystone.clear();
    tokenFaulted = false;
  }

  test("a faulted pulumi up that Glance's outage stops part way leaves nothing unmanaged: every member in Glance is in state, and what state has beyond Glance is an unsettled create", async () => {
    stack.glance.rules = [outage, transient];
    stack.keystone.rules = [keystoneOnce];
    const up = await stack.up({ allowFailure: true });
    firstRunSeconds = up.seconds;
    expect(up.code).not.toBe(0);
    const output = `${up.stdout}\n${up.stderr}`;
    expect(output).toMatch(/the image service failed \(503\) and kept failing after retries/);
    expect(output).toContain('it is kept in state with status "unknown"');

    // One authentication for the plugin process, its first attempt refused and retried.
    expect(stack.keystone.matching("POST", tokensPath).map((r) => r.status)).toEqual([503, 201]);

    const inGlance = await stack.owner.memberIds(stack.imageId);
    const state = await stack.state();
    const statuses = statusesOf(state.text);
    expect(duplicates(inGlance)).toEqual([]);
    expect(duplicates(state.memberIds)).toEqual([]);
    expect(state.pendingOperations).toEqual([]);
    expect(inGlance.length).toBeGreaterThan(0);
    expect(inGlance.length).toBeLessThan(50);
    for (const m of inGlance) expect(state.memberIds).toContain(m);
    for (const m of state.memberIds) {
      expect(stack.declaredIds()).toContain(m);
      if (!inGlance.includes(m)) expect(statuses[m]).toBe("unknown");
    }
    // The POST whose answer the outage cut: created, and kept in state as unsettled.
    expect(inGlance).toContain(outageMember);
    expect(statuses[outageMember]).toBe("unknown");
    unsettledAfterOutage = state.memberIds.filter((m) => statuses[m] === "unknown");

    const glanceFaults = stack.glance.requests.filter(faulted).length;
    const requests = stack.glance.requests.length + stack.keystone.requests.length;
    console.log(
      `scenario P first up: ${up.seconds.toFixed(1)} s, exit ${up.code}; ${inGlance.length} in Glance, ` +
        `${state.memberIds.length} in state (${unsettledAfterOutage.length} unsettled: ` +
        `${unsettledAfterOutage.filter((m) => !inGlance.includes(m)).length} of them not in Glance); ` +
        `outage at the POST for ${outageMember}; first error: ` +
        `${errorLines(up).find((l) => l.includes("Cannot share"))}; proxy: ${stack.glance.summary()}`,
    );
    report({
      scenario: "P1. plugin: seeded faults, then Glance down at the 30th POST",
      seed,
      seconds: up.seconds,
      requests,
      faults: glanceFaults + 1,
      outcome:
        `up fails (exit ${up.code}); ${inGlance.length} in Glance, all in state; ` +
        `${unsettledAfterOutage.length} kept as unsettled`,
    });
    collectRun();
  });

  test("the re-run, Glance back and the seeded faults still on, converges: Glance == state == declared, one POST per member unless a fault caused another, every lost create adopted, no secret in state", async () => {
    await stack.glance.setMode("normal");
    stack.glance.rules = [transient];
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect(up.stdout).not.toMatch(/already a member/);
    // The unsettled creates are finished by an update each (the engine updates a resource
    // left "failed to initialise"); the others not yet created are created.
    expect(up.stdout).toMatch(new RegExp(`${unsettledAfterOutage.length} updated`));
    expect(stack.keystone.matching("POST", tokensPath).map((r) => r.status)).toEqual([503, 201]);
    const proxySummary = stack.glance.summary();
    collectRun();
    await stack.expectConverged();

    let adopted = 0;
    for (const member of stack.declaredIds()) {
      const attempts = posts.filter((r) => postedMember(r.body) === member);
      // Glance created it exactly once.
      const created = attempts.filter((r) => r.upstreamStatus === 200);
      expect(created).toHaveLength(1);
      // Every POST after a member's first followed one the faults kept from its client.
      for (let i = 1; i < attempts.length; i++) {
        if (!faulted(attempts[i - 1]!)) {
          throw new Error(
            `${member}: POST #${attempts[i]!.seq} (${attempts[i]!.action}) came after POST ` +
              `#${attempts[i - 1]!.seq}, which its client got whole (${attempts[i - 1]!.status})`,
          );
        }
      }
      // A 409 only where Glance had created the member and its answer was lost; a 409 the
      // client got is followed by a read of the member (the adoption).
      for (const conflict of attempts.filter((r) => r.upstreamStatus === 409)) {
        expect(faulted(created[0]!)).toBe(true);
        expect(conflict.seq).toBeGreaterThan(created[0]!.seq);
        if (faulted(conflict)) continue;
        const read = gets.find(
          (g) => g.path.endsWith(`/members/${member}`) && g.seq > conflict.seq && g.status === 200,
        );
        expect(read).toBeDefined();
        adopted += 1;
      }
    }

    const everything = stack.project.stateFilesText();
    expect(everything).not.toContain(stack.cloud.identities.owner.password);
    expect(stack.keystone.issuedTokens.length).toBeGreaterThanOrEqual(2);
    for (const token of stack.keystone.issuedTokens) expect(everything).not.toContain(token);

    const count = (kind: string) => posts.filter((r) => r.action === kind).length;
    const post503 = posts.filter((r) => r.action === "status").length;
    const get503 = gets.filter((r) => r.action === "status").length;
    console.log(
      `scenario P re-run: ${up.seconds.toFixed(1)} s; both runs: ${posts.length} member POSTs for 50 members ` +
        `(${count("cutResponse")} answers cut after Glance created the member, ${count("reset")} reset before ` +
        `forwarding, ${post503} answered 503 by the seeded rule, ${count("down-503")} during the outage, ` +
        `${posts.filter((r) => r.clientGone).length} forwarded and then abandoned by their client); ` +
        `${gets.length} member GETs (${get503} answered 503); 2 token requests per run, the first answered 503; ` +
        `${adopted} members adopted after a 409; ${unsettledAfterOutage.length} unsettled creates finished by ` +
        `an update; converged; proxy (re-run): ${proxySummary}`,
    );
    report({
      scenario: "P2. plugin: re-run, seeded faults on",
      seed,
      seconds: up.seconds,
      firstRunSeconds,
      requests: posts.length + gets.length,
      faults: posts.filter(faulted).length + get503 + 2,
      adopted,
      outcome: "converged",
    });
  });

  test("a further pulumi up changes nothing and sends no request", async () => {
    stack.glance.rules = [transient];
    const up = await stack.up();
    expect(up.stdout).toMatch(/51 unchanged/); // the stack and the 50 members
    expect(up.stdout).not.toMatch(/created|updated|replaced|deleted/);
    expect(stack.glance.requests).toEqual([]);
    expect(stack.keystone.requests).toEqual([]);
    await stack.expectConverged();
  });

  test("pulumi destroy under seeded 503s removes every member, each deleted once at Glance, with exactly the DELETEs the seed predicts", async () => {
    stack.glance.rules = [transient];
    const started = Date.now();
    const destroyed = await stack.project.destroy();
    const seconds = (Date.now() - started) / 1000;
    expect(destroyed.code).toBe(0);
    const deletes = stack.glance.matching("DELETE", memberPath);
    const deleted = deletes.filter((r) => r.upstreamStatus === 204).map((r) => r.path);
    expect(deleted).toHaveLength(50);
    expect(duplicates(deleted)).toEqual([]);
    await stack.expectConverged([]);
    const faultedDeletes = deletes.filter((r) => r.status === 503).length;
    const predicted = stack.declaredIds().reduce((n, m) => n + deleteAttemptsFor(seed, m), 0);
    console.log(
      `scenario P destroy: ${seconds.toFixed(1)} s; ${deletes.length} DELETEs, ${faultedDeletes} answered 503 ` +
        `(the seed predicts ${predicted - 50})`,
    );
    // Replayable: the seed alone decides which DELETEs fail, and each 503 was retried once.
    expect(deletes).toHaveLength(predicted);
    expect(faultedDeletes).toBe(predicted - 50);
    report({
      scenario: "P3. plugin: destroy, seeded faults on",
      seed,
      seconds,
      requests: deletes.length,
      faults: faultedDeletes,
      outcome: "all deleted",
    });
  });
});
