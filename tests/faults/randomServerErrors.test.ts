/**
 * Fault scenario 1: 10 % of Glance requests answered 503 at random, seeded. The provider
 * retries each (5 attempts, backoff from 250 ms); the run converges, and the count of
 * requests Glance saw is exactly the one the seed predicts.
 */
import { FaultRule, seededFraction } from "../support/faultProxy";
import { faultScenario, memberPath, membersPath, report } from "../support/faultStack";

const probability = 0.1;
/** Never fault the 4th attempt or later, so no request can exhaust the 5-attempt budget. */
const lastFaultedAttempt = 3;

const serverErrors: FaultRule = (request, proxy) =>
  request.attempt <= lastFaultedAttempt && proxy.chance(request, probability, "503")
    ? { kind: "status", status: 503, body: '{"message": "fault proxy: 503 Service Unavailable"}' }
    : undefined;

/** How many attempts the seed gives a request: 1 + the 503s it meets in a row. */
function attemptsFor(seed: string, key: string): number {
  let attempt = 1;
  while (attempt <= lastFaultedAttempt && seededFraction(seed, "503", key, attempt) < probability)
    attempt += 1;
  return attempt;
}

describe("scenario 1: 10 % of Glance requests answered 503 (seeded)", () => {
  const { seed, stack } = faultScenario("scenario 1", "faults-503", "s1-20251127");

  test("pulumi up of 50 members converges; every 503 was retried; Glance == state == declared", async () => {
    stack.glance.rules = [serverErrors];
    const up = await stack.up();
    expect(up.code).toBe(0);

    const posts = stack.glance.matching("POST", membersPath);
    const faulted = posts.filter((r) => r.status === 503);
    const expected = stack
      .declaredIds()
      .reduce(
        (sum, m) => sum + attemptsFor(seed, `POST /v2/images/{uuid}/members {"member":"${m}"}`),
        0,
      );
    console.log(
      `scenario 1 up: ${up.seconds.toFixed(1)} s; ${posts.length} POSTs, ${faulted.length} answered 503 ` +
        `(the seed predicts ${expected - 50}); proxy: ${stack.glance.summary()}`,
    );
    // Replayable: the seed alone decides which requests fail.
    expect(posts.length).toBe(expected);
    // Each member reached Glance exactly once (a 503 from the proxy never reached it).
    expect(posts.filter((r) => r.upstreamStatus === 200)).toHaveLength(50);
    expect(posts.filter((r) => r.upstreamStatus === 409)).toHaveLength(0);
    await stack.expectConverged();
    report({
      scenario: "1. 10 % 503 (up)",
      seed,
      seconds: up.seconds,
      requests: posts.length,
      faults: faulted.length,
      outcome: "converged",
    });
  });

  test("pulumi destroy under the same faults removes every member", async () => {
    stack.glance.clear();
    const started = Date.now();
    const destroyed = await stack.project.destroy();
    const seconds = (Date.now() - started) / 1000;
    expect(destroyed.code).toBe(0);
    const deletes = stack.glance.matching("DELETE", memberPath);
    const faulted = deletes.filter((r) => r.status === 503);
    console.log(
      `scenario 1 destroy: ${seconds.toFixed(1)} s; ${deletes.length} DELETEs, ${faulted.length} answered 503`,
    );
    expect(deletes.filter((r) => r.upstreamStatus === 204)).toHaveLength(50);
    await stack.expectConverged([]);
    report({
      scenario: "1. 10 % 503 (destroy)",
      seed,
      seconds,
      requests: deletes.length,
      faults: faulted.length,
      outcome: "all deleted",
    });
  });
});
