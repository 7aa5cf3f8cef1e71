/**
 * Fault scenario 4: latency spikes. The provider's per-attempt timeout is 30 s (fixed: the
 * provider offers no setting for it yet), so:
 *  a) spikes of several seconds, one of 25 s, all under the timeout: no retry at all, each
 *     member is POSTed exactly once, and the run converges;
 *  b) one POST whose answer is held 33 s after Glance created the member: the attempt times
 *     out at 30 s, the retry meets 409 and adopts the member.
 */
import { FaultRule, seededFraction } from "../support/faultProxy";
import {
  faultScenario,
  memberPath,
  membersPath,
  postedMember,
  report,
} from "../support/faultStack";

const providerTimeoutMs = 30_000;
const longestSpikeMs = 25_000;

describe("scenario 4: latency spikes", () => {
  const { seed, stack } = faultScenario("scenario 4", "faults-latency", "s4-20251127");

  test("a) spikes of 2-8 s (and one of 25 s) under the 30 s timeout: no retry, converges", async () => {
    const slowest = stack.declaredIds()[17];
    // Seeded per member: 30 % wait 2-8 s before reaching Glance, 10 % have their answer held 3-6 s.
    const spikes: FaultRule = (request, proxy) => {
      if (request.method !== "POST" || !membersPath.test(request.path)) return undefined;
      if (postedMember(request.body) === slowest) {
        return { kind: "stallResponse", ms: longestSpikeMs };
      }
      const f = seededFraction(proxy.seed, "s4", request.key);
      if (f < 0.3) return { kind: "delay", ms: 2_000 + Math.round((f / 0.3) * 6_000) };
      if (f < 0.4)
        return { kind: "stallResponse", ms: 3_000 + Math.round(((f - 0.3) / 0.1) * 3_000) };
      return undefined;
    };
    stack.glance.rules = [spikes];
    const up = await stack.up();
    expect(up.code).toBe(0);

    const posts = stack.glance.matching("POST", membersPath);
    expect(posts).toHaveLength(50); // not one retry
    expect(posts.every((r) => r.upstreamStatus === 200 && r.status === 200)).toBe(true);
    expect(up.seconds * 1000).toBeGreaterThanOrEqual(longestSpikeMs);
    const delayed = posts.filter((r) => r.action === "delay").length;
    const stalled = posts.filter((r) => r.action === "stallResponse").length;
    console.log(
      `scenario 4a up: ${up.seconds.toFixed(1)} s; ${delayed} POSTs delayed 2-8 s before Glance, ` +
        `${stalled} answers held 3-6 s (one 25 s); ${posts.length} POSTs for 50 members`,
    );
    await stack.expectConverged();
    report({
      scenario: "4a. latency 2-8 s + one 25 s",
      seed,
      seconds: up.seconds,
      requests: posts.length,
      faults: delayed + stalled,
      outcome: "converged, no retry",
    });
  });

  test("b) an answer held 33 s: the attempt times out at 30 s, the retry meets 409 and adopts", async () => {
    await stack.project.destroy();
    await stack.expectConverged([]);
    stack.glance.clear();
    const victim = stack.declaredIds()[3];
    stack.glance.rules = [
      (request) =>
        request.method === "POST" &&
        request.attempt === 1 &&
        membersPath.test(request.path) &&
        postedMember(request.body) === victim
          ? { kind: "stallResponse", ms: providerTimeoutMs + 3_000 }
          : undefined,
    ];
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect(up.stdout).not.toMatch(/already a member/);
    // The held answer is still in the proxy when pulumi up ends; let it finish.
    await stack.glance.settled();

    const attempts = stack.glance
      .matching("POST", membersPath)
      .filter((r) => postedMember(r.body) === victim);
    expect(attempts).toHaveLength(2);
    const [first, second] = attempts;
    expect(first.upstreamStatus).toBe(200); // Glance created it...
    expect(first.clientGone).toBe(true); // ...but the client had stopped waiting
    const waited = second.arrivedAt - first.arrivedAt;
    // The retry left after the 30 s timeout (plus at most one 125-250 ms backoff), before the
    // held answer would have come: it was the timeout, not the answer, that ended the attempt.
    expect(waited).toBeGreaterThanOrEqual(providerTimeoutMs);
    expect(waited).toBeLessThan(providerTimeoutMs + 3_000);
    expect(second.upstreamStatus).toBe(409);
    const adoption = stack.glance
      .matching("GET", memberPath)
      .find((g) => g.path.endsWith(`/members/${victim}`) && g.seq > second.seq);
    expect(adoption?.status).toBe(200);
    console.log(
      `scenario 4b up: ${up.seconds.toFixed(1)} s; ${victim}: attempt 1 created it, timed out, the retry ` +
        `${(waited / 1000).toFixed(2)} s later met 409 and was adopted`,
    );
    await stack.expectConverged();
    report({
      scenario: "4b. answer held 33 s (> 30 s timeout)",
      seed,
      seconds: up.seconds,
      requests: stack.glance.requests.length,
      faults: 1,
      outcome: "timed out at 30 s, 409 adopted, converged",
    });
  });
});
