/**
 * Fault scenario 3: 429 Too Many Requests with Retry-After. The provider must wait at least
 * as long as told before sending the same request again; the proxy's timestamps prove it.
 *
 * Two kinds: a rate-limit window (when the 10th member POST arrives, every request for the
 * next 3 s is answered 429 with `Retry-After: <seconds left, rounded up>`), and, outside the
 * window, seeded 10 % of first attempts answered 429 with an HTTP-date `Retry-After` 2 s ahead.
 */
import { FaultRule, RecordedRequest } from "../support/faultProxy";
import { faultScenario, membersPath, report } from "../support/faultStack";

const windowMs = 3_000;
/**
 * Node.js starts a timer from the event loop's cached clock, which lags the wall clock by the
 * work done so far in the current tick, so a wait can end a few milliseconds before the
 * wall-clock instant. 10 ms is allowed for that (the smallest margin measured is 1-3 ms
 * after the instant); a retry any earlier fails the test.
 */
const timerGranularityMs = 10;

/** The earliest time a retry of this 429'd request may arrive. */
function notBefore(r: RecordedRequest): number {
  const value = r.retryAfter!;
  return /^\d+$/.test(value) ? r.respondedAt! + Number(value) * 1000 : Date.parse(value);
}

describe("scenario 3: 429 with Retry-After", () => {
  const { seed, stack } = faultScenario("scenario 3", "faults-429", "s3-20251127");
  let windowStart = 0;

  const rateLimit: FaultRule = (request, proxy) => {
    const now = Date.now();
    if (windowStart === 0 && request.method === "POST" && proxy.count("POST", membersPath) === 10) {
      windowStart = now;
    }
    if (windowStart > 0 && now < windowStart + windowMs) {
      const seconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
      return {
        kind: "status",
        status: 429,
        headers: { "Retry-After": String(seconds) },
        body: '{"message": "fault proxy: rate limited"}',
      };
    }
    if (request.attempt === 1 && proxy.chance(request, 0.1, "429-date")) {
      // HTTP-date form: second precision, so the wait is between 1 and 2 s.
      return {
        kind: "status",
        status: 429,
        headers: { "Retry-After": new Date(now + 2_000).toUTCString() },
        body: '{"message": "fault proxy: rate limited"}',
      };
    }
    return undefined;
  };

  test("every Retry-After is honoured: no request is sent again before it expires", async () => {
    stack.glance.rules = [rateLimit];
    const up = await stack.up();
    expect(up.code).toBe(0);

    const all = stack.glance.requests;
    const limited = all.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    let smallestMarginMs = Infinity;
    for (const r of limited) {
      const retry = all.find((x) => x.key === r.key && x.attempt === r.attempt + 1);
      expect(retry).toBeDefined();
      const margin = retry!.arrivedAt - notBefore(r);
      smallestMarginMs = Math.min(smallestMarginMs, margin);
      if (margin < -timerGranularityMs) {
        throw new Error(
          `${r.key} was told "Retry-After: ${r.retryAfter}" at ${r.respondedAt} and came back ` +
            `${-margin} ms early, at ${retry!.arrivedAt}`,
        );
      }
    }
    // Inside the window no request came twice: each waited for the window to close.
    const inWindow = all.filter(
      (r) => r.arrivedAt >= windowStart && r.arrivedAt < windowStart + windowMs,
    );
    expect(new Set(inWindow.map((r) => r.key)).size).toBe(inWindow.length);
    const windowed = limited.filter((r) => /^\d+$/.test(r.retryAfter!)).length;
    console.log(
      `scenario 3 up: ${up.seconds.toFixed(1)} s; ${limited.length} answers 429 (${windowed} in the ` +
        `${windowMs / 1000} s window, ${limited.length - windowed} with an HTTP date); every retry came ` +
        `after its Retry-After, the closest ${smallestMarginMs} ms after; proxy: ${stack.glance.summary()}`,
    );
    await stack.expectConverged();
    report({
      scenario: "3. 429 + Retry-After",
      seed,
      seconds: up.seconds,
      requests: all.length,
      faults: limited.length,
      smallestMarginMs,
      outcome: "converged, no early retry",
    });
  });
});
