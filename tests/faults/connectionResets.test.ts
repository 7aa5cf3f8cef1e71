/**
 * Fault scenario 2: bursts of connection resets, and POSTs that reach Glance but whose
 * response is cut. The retry of a cut POST meets 409 ("Member ... is duplicated") and must
 * adopt the member (GET it), neither failing nor creating it twice.
 */
import { FaultRule, RecordedRequest, seededFraction } from "../support/faultProxy";
import {
  faultScenario,
  memberPath,
  membersPath,
  postedMember,
  report,
} from "../support/faultStack";

describe("scenario 2: connection resets and cut responses", () => {
  const { seed, stack } = faultScenario("scenario 2", "faults-resets", "s2-20251127");
  let burstAt = 0;
  let burstSockets = 0;

  /**
   * Per member (seeded, the same members for a seed whatever the arrival order):
   * 10 % cut after Glance answered; 6 % cut, then the retry reset too; 14 % two resets in a
   * row; 10 % one reset; the others are answered 200 ms late. On top of that, when the 25th
   * member POST arrives, every open connection is destroyed at once, requests in flight
   * included: those already forwarded created their member, and their retry meets 409 too.
   */
  const resets: FaultRule = (request, proxy) => {
    if (request.method !== "POST" || !membersPath.test(request.path)) return undefined;
    if (request.seq > 1 && burstAt === 0 && proxy.count("POST", membersPath) === 25) {
      burstAt = Date.now();
      burstSockets = proxy.resetAllConnections();
      return { kind: "reset" };
    }
    const f = seededFraction(proxy.seed, "s2", request.key);
    if (f < 0.1) return request.attempt === 1 ? { kind: "cutResponse" } : undefined;
    if (f < 0.16) {
      if (request.attempt === 1) return { kind: "cutResponse" };
      return request.attempt === 2 ? { kind: "reset" } : undefined;
    }
    if (f < 0.3) return request.attempt <= 2 ? { kind: "reset" } : undefined;
    if (f < 0.4) return request.attempt === 1 ? { kind: "reset" } : undefined;
    // Everything else is answered 200 ms late, so that the burst finds requests in flight.
    return { kind: "stallResponse", ms: 200 };
  };

  test("pulumi up converges: every cut POST is adopted after its 409, nothing fails or is created twice", async () => {
    stack.glance.rules = [resets];
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect(up.stdout).not.toMatch(/already a member/);

    const posts = stack.glance.matching("POST", membersPath);
    const gets = stack.glance.matching("GET", memberPath);
    const byMember = new Map<string, RecordedRequest[]>();
    for (const post of posts) {
      const member = postedMember(post.body);
      byMember.set(member, [...(byMember.get(member) ?? []), post]);
    }
    // A POST whose member Glance created but whose answer the client never got.
    const lost = (r: RecordedRequest) =>
      r.upstreamStatus === 200 && (r.action === "cutResponse" || r.clientGone === true);
    let adopted = 0;
    for (const member of stack.declaredIds()) {
      const attempts = byMember.get(member) ?? [];
      // Glance created it exactly once.
      expect(attempts.filter((r) => r.upstreamStatus === 200)).toHaveLength(1);
      const created = attempts.find((r) => r.upstreamStatus === 200)!;
      if (lost(created)) {
        // A retry met 409 and the provider read the member instead of failing. The burst may
        // also cut a retry's own 409 answer (the client never saw it and retried again): the
        // 409 that counts is one the client received.
        const conflict = attempts.find(
          (r) => r.upstreamStatus === 409 && r.seq > created.seq && r.clientGone !== true,
        );
        expect(conflict).toBeDefined();
        const read = gets.find(
          (g) => g.path.endsWith(`/members/${member}`) && g.seq > conflict!.seq && g.status === 200,
        );
        expect(read).toBeDefined();
        adopted += 1;
      } else {
        expect(attempts.filter((r) => r.upstreamStatus === 409)).toHaveLength(0);
      }
    }
    const cut = posts.filter((r) => r.action === "cutResponse").length;
    const reset = posts.filter((r) => r.action === "reset").length;
    const goneMidRequest = posts.filter((r) => r.clientGone).length;
    console.log(
      `scenario 2 up: ${up.seconds.toFixed(1)} s; ${posts.length} POSTs: ${cut} cut after Glance answered, ` +
        `${reset} reset before forwarding, burst destroyed ${burstSockets} connections ` +
        `(${goneMidRequest} forwarded requests lost their client); ${adopted} members adopted after a 409; ` +
        `proxy: ${stack.glance.summary()}`,
    );
    expect(cut).toBeGreaterThan(0);
    expect(adopted).toBeGreaterThanOrEqual(cut);
    expect(burstAt).toBeGreaterThan(0);
    expect(burstSockets).toBeGreaterThan(0);
    // Whether the burst catches a request Glance already served depends on timing (0 to 4 seen
    // on this machine), so it is reported, not required; the cut answers above provoke that
    // case deterministically.
    await stack.expectConverged();
    report({
      scenario: "2. resets + cut responses",
      seed,
      seconds: up.seconds,
      requests: posts.length + gets.length,
      faults: cut + reset + goneMidRequest,
      adopted,
      outcome: "converged",
    });
  });
});
