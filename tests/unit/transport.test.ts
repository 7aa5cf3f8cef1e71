import * as http from "http";
import { AddressInfo } from "net";
import { ApiError, TransportError } from "../../provider/transport/errors";
import { HttpClient, OutgoingRequest, RequestAuthorizer } from "../../provider/transport/http";
import { registerSecret } from "../../provider/transport/redaction";
import { closeAfterEachTest } from "../support/cleanup";

/** Every server is closed after its test, also when an assertion failed (else jest hangs). */
const closeAfterTest = closeAfterEachTest();

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A scripted server: each request is answered by the next handler in the list. */
async function scriptedServer(handlers: Handler[]) {
  const seen: {
    method: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    socket: number;
  }[] = [];
  const sockets = new Map<unknown, number>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
      seen.push({
        method: req.method ?? "",
        headers: req.headers,
        body,
        socket: sockets.get(req.socket)!,
      });
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return server.listening ? new Promise<void>((r) => server.close(() => r())) : undefined;
  };
  closeAfterTest(close);
  return { url, seen, close };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_q, res) => {
    res.writeHead(status, {
      "Content-Type": "application/json",
      "x-openstack-request-id": "req-abc",
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
const reset: Handler = (req) => req.socket.destroy();

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("HttpClient", () => {
  test("sends JSON with Accept: application/json and reuses one kept-alive connection", async () => {
    const server = await scriptedServer([json(200, { ok: 1 })]);
    const client = new HttpClient();
    const first = await client.request({
      method: "POST",
      url: `${server.url}/x`,
      json: { member: "p" },
    });
    await client.request({ method: "GET", url: `${server.url}/y` });
    await client.request({ method: "GET", url: `${server.url}/z` });
    expect(first.body).toEqual({ ok: 1 });
    expect(first.requestId).toBe("req-abc");
    expect(server.seen[0].headers.accept).toBe("application/json");
    expect(server.seen[0].headers["content-type"]).toBe("application/json");
    expect(server.seen[0].body).toBe('{"member":"p"}');
    expect(new Set(server.seen.map((s) => s.socket))).toEqual(new Set([1]));
  });

  test("an error carries status, method, target, the cleaned server message and the request id", async () => {
    const server = await scriptedServer([
      json(409, {
        message: "Member p is duplicated for image i<br /><br />\n\n\n",
        code: "409 Conflict",
        title: "Conflict",
      }),
    ]);
    const error = (await new HttpClient()
      .request({ method: "POST", url: `${server.url}/v2/images/i/members?secret=zzz` })
      .catch((e) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(409);
    expect(error.serverMessage).toBe("Member p is duplicated for image i");
    expect(error.requestId).toBe("req-abc");
    expect(error.message).toBe(
      `POST ${new URL(server.url).host}/v2/images/i/members answered 409: Member p is duplicated for image i (request id req-abc)`,
    );
    expect(error.message).not.toContain("zzz");
    expect(error.afterLostResponse).toBe(false);
  });

  test("Huawei Cloud and Keystone error bodies are understood too", async () => {
    const server = await scriptedServer([
      json(400, { error: { message: "The image is encrypted.", code: "IMG.0054" } }),
      json(401, {
        error: { message: "The request you have made requires authentication.", code: 401 },
      }),
    ]);
    const client = new HttpClient();
    const huawei = (await client
      .request({ method: "GET", url: `${server.url}/a` })
      .catch((e) => e)) as ApiError;
    expect([huawei.serverMessage, huawei.serverCode]).toEqual([
      "The image is encrypted.",
      "IMG.0054",
    ]);
    const keystone = (await client
      .request({ method: "GET", url: `${server.url}/b` })
      .catch((e) => e)) as ApiError;
    expect([keystone.serverMessage, keystone.serverCode]).toEqual([
      "The request you have made requires authentication.",
      undefined,
    ]);
  });

  test("retries 503, 502, 504 and 429 with growing backoff, honouring Retry-After", async () => {
    const server = await scriptedServer([
      json(503, { message: "busy" }),
      json(429, { message: "slow down" }, { "Retry-After": "3" }),
      json(502, { message: "bad gateway" }),
      json(504, { message: "timeout" }),
      json(200, { ok: true }),
    ]);
    const { waits, sleep } = recordingSleep();
    const client = new HttpClient({ sleep, random: () => 0.5, retry: { baseDelayMs: 100 } });
    const response = await client.request({ method: "GET", url: `${server.url}/x` });
    expect(response.body).toEqual({ ok: true });
    // equal jitter with random 0.5: 3/4 of the ceiling 100, 400, 800 ms; 429 waits what it asked.
    expect(waits).toEqual([75, 3000, 300, 600]);
  });

  test("gives up after the attempt budget with the last server answer", async () => {
    const server = await scriptedServer([json(503, { message: "down for maintenance" })]);
    const { waits, sleep } = recordingSleep();
    const client = new HttpClient({ sleep, retry: { maxAttempts: 3 } });
    const error = (await client
      .request({ method: "GET", url: `${server.url}/x` })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(503);
    expect(server.seen).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  test("a Retry-After beyond the limit fails at once instead of stalling", async () => {
    const server = await scriptedServer([
      json(429, { message: "later" }, { "Retry-After": "3600" }),
    ]);
    const { waits, sleep } = recordingSleep();
    const error = (await new HttpClient({ sleep })
      .request({ method: "GET", url: `${server.url}/x` })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(waits).toEqual([]);
  });

  test("a connection reset is retried, and marks the request as possibly delivered", async () => {
    const server = await scriptedServer([reset, json(409, { message: "duplicate" })]);
    const { sleep } = recordingSleep();
    const error = (await new HttpClient({ sleep })
      .request({ method: "POST", url: `${server.url}/x`, json: {} })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(409);
    expect(error.afterLostResponse).toBe(true);
    expect(server.seen).toHaveLength(2);
  });

  test("a server that never answers times out per attempt, then fails with a TransportError", async () => {
    const server = await scriptedServer([() => undefined]);
    const { sleep } = recordingSleep();
    const client = new HttpClient({ sleep, retry: { timeoutMs: 100, maxAttempts: 2 } });
    const error = (await client
      .request({ method: "GET", url: `${server.url}/x` })
      .catch((e) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toMatch(
      /GET 127\.0\.0\.1:\d+\/x failed after 2 attempt\(s\): no complete answer within 0.1 s/,
    );
  });

  test("a closed port fails with a TransportError naming the target", async () => {
    const server = await scriptedServer([json(200, {})]);
    await server.close();
    const { sleep } = recordingSleep();
    const error = (await new HttpClient({ sleep, retry: { maxAttempts: 2 } })
      .request({ method: "GET", url: `${server.url}/v3` })
      .catch((e) => e)) as TransportError;
    expect(error.message).toMatch(
      /GET 127\.0\.0\.1:\d+\/v3 failed after 2 attempt\(s\): ECONNREFUSED/,
    );
  });

  test("after a 401 the authorizer renews once; a second 401 is final", async () => {
    const server = await scriptedServer([
      json(401, { message: "no" }),
      json(200, { ok: 1 }),
      json(401, { message: "no" }),
    ]);
    let renewals = 0;
    let token = "token-1-abcdef";
    const authorizer: RequestAuthorizer = {
      authorize: async (req: OutgoingRequest) => void (req.headers["X-Auth-Token"] = token),
      renewAfterUnauthorized: async () => {
        renewals += 1;
        token = `token-${renewals + 1}-abcdef`;
        return true;
      },
    };
    const client = new HttpClient();
    await client.request({ method: "GET", url: `${server.url}/a`, authorizer });
    expect(server.seen.map((s) => s.headers["x-auth-token"])).toEqual([
      "token-1-abcdef",
      "token-2-abcdef",
    ]);
    const error = (await client
      .request({ method: "GET", url: `${server.url}/b`, authorizer })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(renewals).toBe(2);
    expect(server.seen).toHaveLength(4);
  });

  test("an error without a server message or request id says only what answered what", async () => {
    const server = await scriptedServer([
      (_q, res) => {
        res.writeHead(500);
        res.end();
      },
    ]);
    const error = (await new HttpClient()
      .request({ method: "DELETE", url: `${server.url}/v2/images/i/members/p` })
      .catch((e) => e)) as ApiError;
    expect(String(error)).toBe(
      `ApiError: DELETE ${new URL(server.url).host}/v2/images/i/members/p answered 500`,
    );
    expect([error.serverMessage, error.requestId, error.attempts]).toEqual(["", undefined, 1]);
  });

  test("an empty or blank body is no body; one that is not JSON fails, naming the request", async () => {
    const server = await scriptedServer([
      (_q, res) => {
        res.writeHead(204);
        res.end();
      },
      (_q, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(" \n");
      },
      (_q, res) => {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html>maintenance</html>");
      },
    ]);
    const client = new HttpClient();
    expect(
      (await client.request({ method: "DELETE", url: `${server.url}/a` })).body,
    ).toBeUndefined();
    expect((await client.request({ method: "GET", url: `${server.url}/b` })).body).toBeUndefined();
    const error = (await client
      .request({ method: "GET", url: `${server.url}/c` })
      .catch((e) => e)) as TransportError;
    expect(String(error)).toBe(
      `TransportError: GET ${new URL(server.url).host}/c failed after 1 attempt(s): the server answered with a body that is not JSON`,
    );
    // The answer came back whole: nothing was lost on the way.
    expect(error.afterLostResponse).toBe(false);
  });

  test("a 502 or 504 marks the request as possibly delivered (a proxy may have passed it on), a 503 does not", async () => {
    for (const [status, possiblyDelivered] of [
      [502, true],
      [504, true],
      [503, false],
      [429, false],
    ] as const) {
      const server = await scriptedServer([
        json(status, { message: "try later" }),
        json(409, { message: "duplicate" }),
      ]);
      const { sleep } = recordingSleep();
      const error = (await new HttpClient({ sleep })
        .request({ method: "POST", url: `${server.url}/members`, json: {} })
        .catch((e) => e)) as ApiError;
      expect([status, error.status, error.afterLostResponse]).toEqual([
        status,
        409,
        possiblyDelivered,
      ]);
    }
  });

  test("a Retry-After exactly at the limit is still waited for", async () => {
    const server = await scriptedServer([
      json(429, { message: "later" }, { "Retry-After": "2" }),
      json(200, { ok: true }),
    ]);
    const { waits, sleep } = recordingSleep();
    const client = new HttpClient({ sleep, retry: { maxRetryAfterMs: 2000 } });
    expect((await client.request({ method: "GET", url: `${server.url}/x` })).body).toEqual({
      ok: true,
    });
    expect(waits).toEqual([2000]);
  });

  test("without an injected sleep the backoff really waits", async () => {
    const server = await scriptedServer([
      json(503, { message: "busy" }, { "Retry-After": "0.3" }),
      json(200, { ok: true }),
    ]);
    const started = Date.now();
    await new HttpClient().request({ method: "GET", url: `${server.url}/x` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("a closed port never received the request: not marked as possibly delivered", async () => {
    const server = await scriptedServer([json(200, {})]);
    await server.close();
    const { sleep } = recordingSleep();
    const error = (await new HttpClient({ sleep, retry: { maxAttempts: 2 } })
      .request({ method: "POST", url: `${server.url}/members`, json: {} })
      .catch((e) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.afterLostResponse).toBe(false);
  });

  test("a redirect is not followed: the credentials never go where the cloud did not ask", async () => {
    const elsewhere = await scriptedServer([json(200, { stolen: true })]);
    const server = await scriptedServer([
      (_q, res) => {
        res.writeHead(302, { Location: `${elsewhere.url}/collect` });
        res.end();
      },
    ]);
    const authorizer: RequestAuthorizer = {
      authorize: async (req) => void (req.headers["X-Auth-Token"] = "token-abcdef"),
      renewAfterUnauthorized: async () => false,
    };
    const response = await new HttpClient().request({
      method: "GET",
      url: `${server.url}/v2/images`,
      authorizer,
    });
    expect(response.status).toBe(302);
    expect(elsewhere.seen).toEqual([]);
  });

  test("a renewed token does not use up the attempt budget", async () => {
    const server = await scriptedServer([
      json(401, { message: "expired" }),
      json(503, { message: "busy" }),
    ]);
    const { sleep } = recordingSleep();
    const authorizer: RequestAuthorizer = {
      authorize: async (req) => void (req.headers["X-Auth-Token"] = "token-abcdef"),
      renewAfterUnauthorized: async () => true,
    };
    const error = (await new HttpClient({ sleep, retry: { maxAttempts: 3 } })
      .request({ method: "GET", url: `${server.url}/x`, authorizer })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(503);
    // The 401 and then three attempts at the busy server.
    expect(server.seen).toHaveLength(4);
    expect(error.attempts).toBe(3);
  });

  test("a network failure is retried also with an authorizer that tracks no attempts", async () => {
    const server = await scriptedServer([reset, json(200, { ok: true })]);
    const { sleep } = recordingSleep();
    const authorizer: RequestAuthorizer = {
      authorize: async (req) => void (req.headers["X-Auth-Token"] = "token-abcdef"),
      renewAfterUnauthorized: async () => false,
    };
    const response = await new HttpClient({ sleep }).request({
      method: "GET",
      url: `${server.url}/x`,
      authorizer,
    });
    expect(response.body).toEqual({ ok: true });
  });

  test("a finished request leaves no timer behind that would keep the process alive", async () => {
    const server = await scriptedServer([json(200, { ok: true })]);
    // Only the client's own timers: counting every timer of the process also counts the
    // server's keep-alive timer, which its socket arms whenever the answer's end is flushed.
    const realSetTimeout = global.setTimeout;
    const created: { delay?: number; handle: NodeJS.Timeout }[] = [];
    const watch = jest.spyOn(global, "setTimeout").mockImplementation(((
      callback: () => void,
      delay?: number,
    ) => {
      const handle = realSetTimeout(callback, delay);
      created.push({ delay, handle });
      return handle;
    }) as unknown as typeof setTimeout);
    try {
      await new HttpClient({ retry: { timeoutMs: 60_000 } }).request({
        method: "GET",
        url: `${server.url}/x`,
      });
    } finally {
      watch.mockRestore();
    }
    // The request's 60 s deadline was armed, and is gone (cleared) once the answer is in.
    const deadlines = created.filter((t) => t.delay === 60_000);
    expect(deadlines).toHaveLength(1);
    const destroyed = (t: NodeJS.Timeout) => (t as unknown as { _destroyed: boolean })._destroyed;
    expect(deadlines.map((t) => destroyed(t.handle))).toEqual([true]);
  });

  test("a registered secret echoed by a server never reaches an error message", async () => {
    registerSecret("s3cr3t-password-value");
    const server = await scriptedServer([
      json(400, { message: "bad password s3cr3t-password-value for user" }),
    ]);
    const error = (await new HttpClient()
      .request({ method: "GET", url: `${server.url}/x` })
      .catch((e) => e)) as ApiError;
    expect(error.message).toContain("bad password [redacted] for user");
    expect(error.message).not.toContain("s3cr3t-password-value");
  });
});
