/**
 * gophercloud-style fixtures for the Glance client: a test names, in order, each request the
 * client must send (method, path with query, body as the exact bytes) and the answer the server
 * gives (status, body as the exact bytes Glance sends). A local HTTP server on 127.0.0.1 plays
 * them; a request that differs from its fixture is answered 500 with the difference, and
 * `expectServed` checks that exactly the fixtures' requests were sent.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { ServiceConnection } from "../../provider/transport/serviceConnection";
import { HttpClient, RequestAuthorizer } from "../../provider/transport/http";
import { closeAfterEachTest } from "./cleanup";

export const fixtureToken = "gAAAAABfixture-token";

export interface FixtureRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path and query, exactly as they arrive (percent-escapes included). */
  path: string;
  /** The body's exact text; absent when the client must send none. */
  body?: string;
}

export interface Fixture {
  request: FixtureRequest;
  response: { status: number; body?: string; requestId?: string };
}

interface Received extends FixtureRequest {
  headers: http.IncomingHttpHeaders;
}

const closeAfterTest = closeAfterEachTest();

/** Sets `X-Auth-Token`, as the Keystone session does; never asked to renew. */
const tokenAuthorizer: RequestAuthorizer = {
  authorize: async (request) => void (request.headers["X-Auth-Token"] = fixtureToken),
  renewAfterUnauthorized: async () => false,
};

/** Serves `fixtures` in order under `prefix` (the endpoint's path, e.g. `/image`). */
export async function glanceFixtureServer(fixtures: Fixture[], prefix = "") {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const path = (req.url ?? "").startsWith(prefix)
        ? (req.url ?? "").slice(prefix.length)
        : `(outside ${prefix}) ${req.url}`;
      const got: FixtureRequest = {
        method: req.method as FixtureRequest["method"],
        path,
        ...(body === "" ? {} : { body }),
      };
      received.push({ ...got, headers: req.headers });
      const fixture = fixtures[received.length - 1];
      if (!fixture || JSON.stringify(got) !== JSON.stringify(fixture.request)) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            message: `fixture mismatch: expected ${JSON.stringify(fixture?.request)}, got ${JSON.stringify(got)}`,
          }),
        );
        return;
      }
      const { status, body: answer, requestId } = fixture.response;
      res.writeHead(status, {
        "X-Openstack-Request-Id": requestId ?? `req-fixture-${received.length}`,
        ...(answer === undefined ? {} : { "Content-Type": "application/json" }),
      });
      res.end(answer ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closeAfterTest(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  const glance: ServiceConnection = {
    // One attempt: a fixture answers once, and a retry would hide a wrong request.
    http: new HttpClient({ retry: { maxAttempts: 1 } }),
    authorizer: tokenAuthorizer,
    endpoint,
  };

  /** Exactly the fixtures' requests were sent, in order, each with the token and JSON headers. */
  function expectServed() {
    expect(received.map(({ method, path, body }) => ({ method, path, body }))).toEqual(
      fixtures.map(({ request }) => ({ body: undefined, ...request })),
    );
    for (const { headers, body } of received) {
      expect(headers["x-auth-token"]).toBe(fixtureToken);
      expect(headers.accept).toBe("application/json");
      expect(headers["content-type"]).toBe(body === undefined ? undefined : "application/json");
    }
  }

  return { glance, endpoint, received, expectServed };
}
