/**
 * The transport's small helpers, exactly: which secrets are remembered for redaction (and
 * where, so every serialized copy of the provider shares them), how `Retry-After` is read, and
 * what an error quotes of the server's answer.
 */
import { extractServerMessage } from "../../provider/transport/errors";
import { parseRetryAfterMs } from "../../provider/transport/retry";
import { redactSecrets, registerSecret } from "../../provider/transport/redaction";

describe("redaction", () => {
  test("a secret of four characters or more is redacted everywhere, from the process-wide list", () => {
    registerSecret("wxyz");
    registerSecret("s3cr3t-value");
    expect(redactSecrets("wxyz and s3cr3t-value, twice: s3cr3t-value")).toBe(
      "[redacted] and [redacted], twice: [redacted]",
    );
    // Pulumi gives each serialized method its own module state: the list is on globalThis.
    const shared = (globalThis as unknown as Record<symbol, Set<string>>)[
      Symbol.for("pulumi-image-members.secrets")
    ];
    expect(shared.has("s3cr3t-value")).toBe(true);
  });

  test("nothing, an empty value or one shorter than four characters is not a secret", () => {
    registerSecret(undefined);
    registerSecret("");
    registerSecret("abc");
    expect(redactSecrets("abc is undefined, not a secret")).toBe("abc is undefined, not a secret");
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-12-07T10:00:00Z");

  test("seconds, whole or not, around white space", () => {
    expect(parseRetryAfterMs(" 12 ", now)).toBe(12_000);
    expect(parseRetryAfterMs("0.25", now)).toBe(250);
    expect(parseRetryAfterMs("1.5", now)).toBe(1_500);
  });

  test("an HTTP date: the time left, never negative", () => {
    expect(parseRetryAfterMs("Mon, 07 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfterMs("Mon, 07 Dec 2026 09:59:00 GMT", now)).toBe(0);
  });

  test("anything else is unreadable", () => {
    for (const header of [null, "", "soon", "1.x", "5s", "x12", "12x"]) {
      expect(parseRetryAfterMs(header, now)).toBeUndefined();
    }
  });
});

describe("the server's message in an error", () => {
  const read = (body: unknown) =>
    extractServerMessage(typeof body === "string" ? body : JSON.stringify(body));

  test("each service's error body: the message, and a service's own error code", () => {
    // Glance's code is the HTTP status again, not a code of its own.
    expect(read({ message: "Image not found", code: "404 Not Found", title: "Not Found" })).toEqual(
      { message: "Image not found", code: undefined },
    );
    expect(read({ error: { message: "No access.", code: "IMG.0001" } })).toEqual({
      message: "No access.",
      code: "IMG.0001",
    });
    // Nova style, with the status as a number or as a string: no service code either way.
    expect(read({ itemNotFound: { message: "Gone.", code: 404 } })).toEqual({
      message: "Gone.",
      code: undefined,
    });
    expect(read({ error: { message: "Gone.", code: "404" } })).toEqual({
      message: "Gone.",
      code: undefined,
    });
    // Huawei Cloud's API gateway.
    expect(read({ error_code: "APIGW.0301", error_msg: "Incorrect IAM authentication." })).toEqual({
      message: "Incorrect IAM authentication.",
      code: "APIGW.0301",
    });
    expect(read({ error_code: 301, error_msg: "Incorrect IAM authentication." })).toEqual({
      message: "Incorrect IAM authentication.",
      code: undefined,
    });
  });

  test("a code that is not a string is never taken for the service's code", () => {
    for (const code of [null, false, -1]) {
      expect(read({ error: { message: "Refused.", code } }).code).toBeUndefined();
    }
  });

  test("members without a message are passed over: empty, a string, or an object without one", () => {
    expect(
      read({ error: null, details: "x", info: { reason: 1 }, error_msg: "Quota exceeded." }),
    ).toEqual({ message: "Quota exceeded.", code: undefined });
  });

  test("a body it cannot read is quoted as text, its markup removed and its white space folded", () => {
    expect(read({ unexpected: 1 }).message).toBe('{"unexpected":1}');
    expect(
      read(
        "<html><body><h1>503 Service Unavailable</h1>\n  No server is available<br>to handle<BR/>this request.</p></body></html>",
      ),
    ).toEqual({
      message: "503 Service Unavailable No server is available to handle this request.",
      code: undefined,
    });
    expect(read("first<br>second</p>").message).toBe("first second");
    expect(read("<p>Bad</p><p>Request</p>").message).toBe("Bad Request");
  });

  test("a long message is cut at 500 characters, with an ellipsis", () => {
    expect(read("x".repeat(500)).message).toBe("x".repeat(500));
    expect(read("y".repeat(501)).message).toBe(`${"y".repeat(500)}…`);
  });
});
