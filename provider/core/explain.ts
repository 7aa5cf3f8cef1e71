import { getImage, ImageSummary } from "../glance";
import { ServiceConnection } from "../transport/serviceConnection";
import { ConfigurationError } from "../identity/configurationError";
import { credentialSourceOf } from "../identity/session";
import { ApiError, TransportError } from "../transport/errors";
import { retryableStatuses } from "../transport/retry";
import { redactSecrets } from "../transport/redaction";

/** A failure explained for a person: what was attempted, what went wrong, what to do. */
export class ProviderError extends Error {
  /** Always `ProviderError`. */
  override name = "ProviderError";
}

/** The server's own words and request id, quoted at the end of every message. */
export function serverEvidence(error: ApiError): string {
  const parts = [`HTTP ${error.status}`];
  if (error.serverCode) {
    parts.push(error.serverCode);
  }
  if (error.serverMessage) {
    parts.push(`"${error.serverMessage}"`);
  }
  if (error.requestId) {
    parts.push(`request id ${error.requestId}`);
  }
  return `(server said: ${parts.join(", ")})`;
}

export function fail(headline: string, explanation: string, evidence?: string): ProviderError {
  return new ProviderError(
    redactSecrets([`${headline}: ${explanation}`, evidence].filter(Boolean).join(" ")),
  );
}

/**
 * Failures that mean the same whatever the operation: configuration, authentication,
 * an unreachable or failing server. Returns undefined for what the caller must explain.
 */
export function explainCommonFailure(error: unknown, headline: string): ProviderError | undefined {
  if (error instanceof ConfigurationError) {
    return fail(headline, error.message);
  }
  if (error instanceof TransportError) {
    return fail(
      headline,
      `the cloud could not be reached: ${error.message}. Check the URL (OS_AUTH_URL, the catalog ` +
        `or openstack:imageEndpoint), the network, and try again; nothing was changed by this attempt ` +
        `unless the server received it, which the next run detects.`,
    );
  }
  if (!(error instanceof ApiError)) {
    return undefined;
  }
  if (error.request.target.endsWith("/auth/tokens")) {
    const source = credentialSourceOf(error);
    const from = source === undefined ? "" : ` from ${source}`;
    const what =
      error.status === 401
        ? `Keystone rejected the credentials${from}. Check the user, password or application ` +
          `credential, the domains, and the project they are scoped to${source ? " there" : ""}`
        : error.status === 404 && /token/i.test(error.serverMessage)
          ? "Keystone does not recognise the token (expired, revoked or malformed); get a new one " +
            "(openstack token issue) or use a password or application credential"
          : error.status === 404
            ? "no Keystone v3 token API at OS_AUTH_URL; it should end in /v3 (or be the Keystone root)"
            : "Keystone could not issue a token";
    return fail(headline, what + ".", serverEvidence(error));
  }
  if (error.status === 401 && error.request.method !== "GET") {
    // A fresh token refused for a write: the token is valid, the write is not in its rights.
    // Keystone access rules that allow GETs only (a read-only application credential, as the
    // GitOps example's pull-request and drift jobs use) get exactly this answer from Glance.
    return fail(
      headline,
      `the credentials cannot write: the image service refused this ${error.request.method} even ` +
        "after a fresh authentication. A read-only credential (an application credential whose " +
        "access rules allow only GET) answers so by design; changes need the write credential " +
        "(in the GitOps example, the main job's, behind its protected environment).",
      serverEvidence(error),
    );
  }
  if (error.status === 401) {
    return fail(
      headline,
      "the image service rejected the token even after a fresh authentication; check that the " +
        "credentials have a role on their project and that the token is valid for this region's Glance.",
      serverEvidence(error),
    );
  }
  if (error.status >= 500) {
    return fail(headline, serverFailure(error), serverEvidence(error));
  }
  if (error.status === 429) {
    return fail(
      headline,
      error.attempts > 1
        ? `the cloud kept rate-limiting the requests; try again later (${error.attempts} requests made).`
        : "the cloud rate-limited the request and asked to wait longer than the provider waits; try again later.",
      serverEvidence(error),
    );
  }
  return undefined;
}

/** What a 5xx means, from how many requests were made: a 500 is not retried, a 503 is. */
function serverFailure(error: ApiError): string {
  const advice = "give the request id to the cloud's operators if it persists";
  if (error.attempts > 1) {
    return (
      `the image service failed (${error.status}) and kept failing after retries; try again later, ` +
      `and ${advice} (${error.attempts} requests made).`
    );
  }
  if (retryableStatuses.has(error.status)) {
    return (
      `the image service failed (${error.status}) and asked to be called again later than the ` +
      `provider waits (Retry-After), so the request was made once; try again later, and ${advice}.`
    );
  }
  return (
    `the image service failed (${error.status}) on the one request made, and a ` +
    `${error.status} is not retried, as it may come from the request rather than a busy server. ` +
    `Try again, and ${advice}.`
  );
}

/** Reads the image only to explain a failure; never lets that diagnosis hide the first error. */
export async function imageForDiagnosis(
  glance: ServiceConnection,
  imageId: string,
): Promise<ImageSummary | "not-found" | undefined> {
  try {
    return await getImage(glance, imageId);
  } catch (error) {
    return error instanceof ApiError && error.status === 404 ? "not-found" : undefined;
  }
}
