/**
 * Fault scenario 5: the provider's token revoked mid-`pulumi up`; one re-authentication for all
 * requests in flight, and the run converges. Why a second glance-api with a cold token cache:
 * docs/failure-modes.md, "Running the fault suite".
 */
import { FaultRule, tokenDigest } from "../support/faultProxy";
import { extraGlance } from "../support/realCloud";
import { faultScenario, membersPath, report } from "../support/faultStack";

const revokeAtPost = 20;

/** A Glance that has never validated the provider's token. */
function coldGlanceUrl(): string {
  return process.env.PIM_FAULTS_COLD_GLANCE_URL ?? extraGlance("faults", "19394", []);
}

async function keystoneCall(url: string, method: "DELETE" | "GET", token: string): Promise<number> {
  const response = await fetch(url, {
    method,
    headers: { "X-Auth-Token": token, "X-Subject-Token": token },
  });
  return response.status;
}

describe("scenario 5: token revoked mid-run", () => {
  let cold = "";
  // Before the stack is set up: the cold Glance may have to be started first.
  beforeAll(() => (cold = coldGlanceUrl()));
  const { seed, stack } = faultScenario("scenario 5", "faults-token", "s5-20251127");
  let revokedAt = 0;
  let revokedDigest = "";

  test("Glance answers 401 after the revocation; one re-authentication, then success", async () => {
    const revoke: FaultRule = async (request, proxy) => {
      if (
        revokedAt === 0 &&
        request.method === "POST" &&
        membersPath.test(request.path) &&
        proxy.count("POST", membersPath) === revokeAtPost
      ) {
        const token = stack.keystone.issuedTokens[0];
        revokedDigest = tokenDigest(token);
        const tokensUrl = `${stack.cloud.authUrl}/auth/tokens`;
        expect(await keystoneCall(tokensUrl, "DELETE", token)).toBe(204);
        // Keystone no longer knows the token.
        expect(await keystoneCall(tokensUrl, "GET", token)).toBe(401);
        revokedAt = Date.now();
        proxy.target = cold;
      }
      // Answers held 300 ms keep several requests in flight with the revoked token.
      return request.method === "POST" ? { kind: "stallResponse", ms: 300 } : undefined;
    };
    stack.glance.rules = [revoke];
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect(revokedAt).toBeGreaterThan(0);

    const authentications = stack.keystone.matching("POST", /\/v3\/auth\/tokens$/);
    expect(authentications.map((r) => r.status)).toEqual([201, 201]); // first one, then one renewal
    const renewedDigest = tokenDigest(stack.keystone.issuedTokens[1]);

    const glance = stack.glance.requests;
    const rejected = glance.filter((r) => r.status === 401);
    expect(rejected.length).toBeGreaterThan(0);
    // Only the revoked token was refused, and only after the revocation.
    for (const r of rejected) {
      expect(r.tokenDigest).toBe(revokedDigest);
      expect(r.respondedAt!).toBeGreaterThanOrEqual(revokedAt);
    }
    // Every refused request was sent again with the new token, and succeeded.
    for (const r of rejected) {
      const retry = glance.find((x) => x.key === r.key && x.attempt === r.attempt + 1);
      expect(retry?.tokenDigest).toBe(renewedDigest);
      expect(retry?.upstreamStatus).toBe(200);
    }
    // The renewal happened after the first 401.
    expect(authentications[1].arrivedAt).toBeGreaterThanOrEqual(
      Math.min(...rejected.map((r) => r.respondedAt!)),
    );
    console.log(
      `scenario 5 up: ${up.seconds.toFixed(1)} s; token revoked at member POST ${revokeAtPost}; ` +
        `${rejected.length} requests answered 401, ${authentications.length} authentications in all; ` +
        `proxy: ${stack.glance.summary()}`,
    );
    await stack.expectConverged();
    report({
      scenario: "5. token revoked mid-run",
      seed,
      seconds: up.seconds,
      requests: glance.length,
      faults: rejected.length,
      authentications: authentications.length,
      outcome: "one re-authentication, converged",
    });
  });
});
