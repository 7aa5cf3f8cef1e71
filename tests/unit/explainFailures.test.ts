/**
 * The failures every operation explains the same way (provider/resources/common/explain.ts):
 * what went wrong and what to do, for configuration, an unreachable cloud, Keystone's and
 * Glance's refusals, failing servers and rate limits; anything else is left to the caller.
 */
import {
  explainCommonFailure,
  fail,
  imageForDiagnosis,
  serverEvidence,
} from "../../provider/core/explain";
import type { ServiceConnection } from "../../provider/transport/serviceConnection";
import { ConfigurationError } from "../../provider/identity/configurationError";
import { ApiError, TransportError } from "../../provider/transport/errors";

const headline = "Cannot share image img-1 with project p1";
const tokens = { method: "POST", target: "keystone.example/v3/auth/tokens" };
const members = { method: "POST", target: "glance.example/v2/images/img-1/members" };
const read = { method: "GET", target: "glance.example/v2/images/img-1/members" };

function apiError(
  request: { method: string; target: string },
  status: number,
  serverMessage = "",
  attempts = 1,
) {
  return new ApiError(request, status, serverMessage, "req-1", undefined, false, attempts);
}

const explained = (error: unknown) => explainCommonFailure(error, headline)?.message;

describe("explainCommonFailure", () => {
  test("a configuration error: its own words under the headline", () => {
    expect(explained(new ConfigurationError("set OS_AUTH_URL"))).toBe(
      `${headline}: set OS_AUTH_URL`,
    );
  });

  test("an unreachable cloud: what to check, and that the next run detects a landed request", () => {
    const error = new TransportError(members, "connection refused", 3);
    expect(explained(error)).toBe(
      `${headline}: the cloud could not be reached: ${error.message}. Check the URL (OS_AUTH_URL, ` +
        "the catalog or openstack:imageEndpoint), the network, and try again; nothing was " +
        "changed by this attempt unless the server received it, which the next run detects.",
    );
  });

  test("anything else than these errors, and statuses the caller explains: undefined", () => {
    expect(explained(new Error("boom"))).toBeUndefined();
    expect(explained("text")).toBeUndefined();
    expect(explained(apiError(members, 409))).toBeUndefined();
    expect(explained(apiError(members, 404))).toBeUndefined();
    expect(explained(apiError(members, 499))).toBeUndefined();
  });

  test("Keystone's refusals, each with its remedy and the server's evidence", () => {
    expect(explained(apiError(tokens, 401, "bad password"))).toBe(
      `${headline}: Keystone rejected the credentials. Check the user, password or application ` +
        "credential, the domains, and the project they are scoped to. (server said: HTTP 401, " +
        '"bad password", request id req-1)',
    );
    expect(explained(apiError(tokens, 404, "Could not find Token abc"))).toContain(
      `${headline}: Keystone does not recognise the token (expired, revoked or malformed); get ` +
        "a new one (openstack token issue) or use a password or application credential.",
    );
    expect(explained(apiError(tokens, 404, "Not Found"))).toContain(
      `${headline}: no Keystone v3 token API at OS_AUTH_URL; it should end in /v3 (or be the ` +
        "Keystone root).",
    );
    expect(explained(apiError(tokens, 500, "oops"))).toContain(
      `${headline}: Keystone could not issue a token. (server said: HTTP 500, "oops"`,
    );
  });

  test("a 401 on a write: the credentials cannot write; on a read: the token is not valid there", () => {
    expect(explained(apiError(members, 401))).toMatch(
      new RegExp(
        `^${headline}: the credentials cannot write: the image service refused this POST even ` +
          "after a fresh authentication\\. A read-only credential .* protected environment\\)\\. " +
          "\\(server said: HTTP 401, request id req-1\\)$",
      ),
    );
    expect(explained(apiError(read, 401))).toMatch(
      new RegExp(
        `^${headline}: the image service rejected the token even after a fresh ` +
          "authentication; check that the credentials have a role on their project and that " +
          "the token is valid for this region's Glance\\. \\(server said: HTTP 401, request id req-1\\)$",
      ),
    );
  });

  test("a failing server: retried and failing, asked to wait too long, or not retried", () => {
    const advice = "give the request id to the cloud's operators if it persists";
    expect(explained(apiError(members, 503, "", 4))).toBe(
      `${headline}: the image service failed (503) and kept failing after retries; try again ` +
        `later, and ${advice} (4 requests made). (server said: HTTP 503, request id req-1)`,
    );
    expect(explained(apiError(members, 503))).toBe(
      `${headline}: the image service failed (503) and asked to be called again later than the ` +
        `provider waits (Retry-After), so the request was made once; try again later, and ` +
        `${advice}. (server said: HTTP 503, request id req-1)`,
    );
    expect(explained(apiError(members, 500))).toBe(
      `${headline}: the image service failed (500) on the one request made, and a 500 is not ` +
        "retried, as it may come from the request rather than a busy server. Try again, and " +
        `${advice}. (server said: HTTP 500, request id req-1)`,
    );
  });

  test("rate limits: kept up after retries, or a wait longer than the provider's", () => {
    expect(explained(apiError(members, 429, "", 5))).toBe(
      `${headline}: the cloud kept rate-limiting the requests; try again later (5 requests ` +
        "made). (server said: HTTP 429, request id req-1)",
    );
    expect(explained(apiError(members, 429))).toBe(
      `${headline}: the cloud rate-limited the request and asked to wait longer than the ` +
        "provider waits; try again later. (server said: HTTP 429, request id req-1)",
    );
  });

  test("fail: headline, explanation, and the evidence only when there is some", () => {
    expect(fail("H", "what").message).toBe("H: what");
    expect(fail("H", "what", "HTTP 500").message).toBe("H: what HTTP 500");
    expect(fail("H", "what").name).toBe("ProviderError");
  });

  test("the server's evidence: status, code, message and request id, each only when given", () => {
    const full = new ApiError(members, 400, "bad member", "req-9", "IMG.0001", false);
    expect(serverEvidence(full)).toBe(
      '(server said: HTTP 400, IMG.0001, "bad member", request id req-9)',
    );
    const bare = new ApiError(members, 400, "", undefined, undefined, false);
    expect(serverEvidence(bare)).toBe("(server said: HTTP 400)");
  });

  test("a Keystone failure that is no 404 stays 'could not issue', whatever its words", () => {
    expect(explained(apiError(tokens, 500, "token backend down"))).toContain(
      `${headline}: Keystone could not issue a token.`,
    );
  });
});

describe("imageForDiagnosis: the image, gone, or unknown; never an error of its own", () => {
  const glance = (answer: () => unknown) =>
    ({
      endpoint: "https://glance.example",
      authorizer: undefined,
      http: { request: async () => answer() },
    }) as unknown as ServiceConnection;
  const failing = (error: Error) =>
    glance(() => {
      throw error;
    });

  test("read: its summary", async () => {
    const image = await imageForDiagnosis(
      glance(() => ({ status: 200, body: { id: "img-1", visibility: "shared", owner: "p" } })),
      "img-1",
    );
    expect(image).toMatchObject({ id: "img-1", visibility: "shared", owner: "p" });
  });

  test("a 404: not-found; any other failure: undefined", async () => {
    expect(await imageForDiagnosis(failing(apiError(read, 404)), "img-1")).toBe("not-found");
    expect(await imageForDiagnosis(failing(apiError(read, 403)), "img-1")).toBeUndefined();
    expect(await imageForDiagnosis(failing(apiError(read, 500)), "img-1")).toBeUndefined();
    const unreachable = new TransportError(read, "reset", 1);
    expect(await imageForDiagnosis(failing(unreachable), "img-1")).toBeUndefined();
    expect(await imageForDiagnosis(failing(new Error("404")), "img-1")).toBeUndefined();
  });
});
