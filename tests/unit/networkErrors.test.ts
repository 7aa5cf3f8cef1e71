/**
 * Network failures, as node-fetch reports them, the way an error tells them: which ones may
 * have delivered the request (a POST retried after them may meet its own first attempt, so a
 * 409 then is not a conflict), which are retried, and how each is worded. Errors such as a
 * host without a route cannot be provoked on a test machine: node-fetch is replaced here.
 */
import { TransportError } from "../../provider/transport/errors";
import { HttpClient } from "../../provider/transport/http";

const fetchMock = jest.fn();
jest.mock("node-fetch", () => ({
  __esModule: true,
  default: (...args: unknown[]) => fetchMock(...args),
}));

afterEach(() => fetchMock.mockReset());

function networkError(code: string | undefined, message?: string): Error {
  return Object.assign(new Error(message), { code, message });
}

async function failure(error: unknown, maxAttempts = 2): Promise<TransportError> {
  fetchMock.mockRejectedValue(error);
  const client = new HttpClient({ sleep: async () => undefined, retry: { maxAttempts } });
  const failed = await client
    .request({ method: "POST", url: "http://glance.test:9292/v2/images/i/members", json: {} })
    .catch((e) => e);
  expect(failed).toBeInstanceOf(TransportError);
  return failed as TransportError;
}

describe("a network failure", () => {
  test.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])(
    "%s: no connection was made, so the request never reached the server",
    async (code) => {
      const error = await failure(networkError(code, `connect ${code}`));
      expect(error.afterLostResponse).toBe(false);
      expect(error.attempts).toBe(2);
    },
  );

  test("a reset or a timeout may have delivered the request", async () => {
    expect((await failure(networkError("ECONNRESET", "socket hang up"))).afterLostResponse).toBe(
      true,
    );
    expect((await failure(networkError(undefined, "aborted"))).afterLostResponse).toBe(true);
  });

  test("is worded with its code and node's message, or whatever is known of it", async () => {
    expect((await failure(networkError("ECONNRESET", "socket hang up"))).message).toBe(
      "POST glance.test:9292/v2/images/i/members failed after 2 attempt(s): ECONNRESET (socket hang up)",
    );
    expect((await failure(networkError("ECONNRESET"))).reason).toBe("ECONNRESET (network error)");
    expect((await failure(networkError(undefined, "stream ended"))).reason).toBe("stream ended");
    expect((await failure("unexpected end")).reason).toBe("unexpected end");
  });

  test("a certificate problem is not retried and says what to set", async () => {
    const error = await failure(networkError("CERT_HAS_EXPIRED", "certificate has expired"), 5);
    expect(error.attempts).toBe(1);
    expect(error.reason).toBe(
      "TLS certificate not trusted (CERT_HAS_EXPIRED); set OS_CACERT (or cacert in clouds.yaml) " +
        "to the CA bundle of this cloud",
    );
    expect(
      (await failure(networkError("ERR_TLS_CERT_ALTNAME_INVALID", "bad name"), 5)).attempts,
    ).toBe(1);
  });
});
