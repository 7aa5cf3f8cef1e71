/**
 * The transport's small helpers, exactly: which secrets are remembered for redaction (and
 * where, so every serialized copy of the provider shares them), and how `Retry-After` is read.
 */
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
