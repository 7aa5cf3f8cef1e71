import { createHash } from "crypto";
import * as fs from "fs";
import { ServiceConnection } from "../transport/serviceConnection";
import { HttpClient, OutgoingRequest, RequestAuthorizer } from "../transport/http";
import { RetryPolicy } from "../transport/retry";
import { registerSecret } from "../transport/redaction";
import { AkSkAuthorizer } from "../transport/akskSigner";
import { ApiError } from "../transport/errors";
import { AkSkOptions, CloudConfig, secretsOf } from "./cloudConfig";
import { ConfigurationError } from "./configurationError";
import { IssuedToken, findImageEndpoint, issueToken, normalizeImageEndpoint } from "./keystone";

/** What the resources need from a cloud, however it authenticates. */
export interface CloudSession {
  readonly http: HttpClient;
  /** Glance (or IMS) for a region; the configured region when none is given. */
  imageService(region?: string): Promise<ServiceConnection>;
  /** The project the credentials act for, when known. */
  projectId(): Promise<string | undefined>;
}

/**
 * A Keystone session: authenticates lazily, once, shares the token between all concurrent
 * requests, renews it shortly before it expires and once after a 401.
 *
 * The first request with a new token goes alone, then the requests carrying it ramp up
 * (TokenRamp). Glance has Keystone validate every token its worker has not cached, once per
 * request that arrives before a validation ended, so a burst carrying a new token is a burst of
 * validations (measured on the local cloud, two Glance workers: 10 validations for 10
 * concurrent requests, 32 for 100, each taking about a second under the burst; with the ramp
 * 2 to 3 and 2 to 11).
 */
export class KeystoneSession implements RequestAuthorizer, CloudSession {
  private current?: IssuedToken;
  private pending?: Promise<IssuedToken>;
  private readonly ramps = new Map<string, TokenRamp>();
  private readonly rampRequests = new WeakMap<OutgoingRequest, TokenRamp>();

  constructor(
    readonly http: HttpClient,
    readonly config: CloudConfig,
  ) {
    for (const secret of secretsOf(config)) {
      registerSecret(secret);
    }
  }

  async authorize(request: OutgoingRequest): Promise<void> {
    let token = (await this.validToken()).token;
    for (;;) {
      const ramp = this.rampOf(token);
      if (ramp.tryEnter()) {
        this.rampRequests.set(request, ramp);
        break;
      }
      await ramp.nextOpening();
      // The token may have been renewed while this request waited.
      token = (await this.validToken()).token;
    }
    request.headers["X-Auth-Token"] = token;
  }

  /**
   * The ramp of `token`, new for a token not seen yet. A new token is a renewal: the ramps of
   * the tokens before it that have nothing in flight are dropped, so a provider process that
   * renews every hour for days keeps one or two, not one per token it ever had.
   */
  private rampOf(token: string): TokenRamp {
    let ramp = this.ramps.get(token);
    if (!ramp) {
      for (const [old, oldRamp] of this.ramps) {
        if (oldRamp.idle) this.ramps.delete(old);
      }
      ramp = new TokenRamp(rampDisabled() ? Infinity : 1);
      this.ramps.set(token, ramp);
    }
    return ramp;
  }

  attemptEnded(request: OutgoingRequest): void {
    this.rampRequests.get(request)?.leave();
    this.rampRequests.delete(request);
  }

  async renewAfterUnauthorized(request: OutgoingRequest): Promise<boolean> {
    const rejected = request.headers["X-Auth-Token"];
    // Many requests in flight meet the same revoked token: only the first one renews it.
    if (this.current && rejected && this.current.token === rejected) {
      this.current = undefined;
    }
    await this.validToken();
    return true;
  }

  /** The project the credentials are scoped to, as Keystone reports it. */
  async projectId(): Promise<string | undefined> {
    return (await this.validToken()).projectId;
  }

  /** Glance's base URL (without `/v2`) for a region, from the override or the catalog. */
  async imageService(region?: string): Promise<ServiceConnection> {
    const endpoint = this.config.imageEndpoint
      ? normalizeImageEndpoint(this.config.imageEndpoint)
      : findImageEndpoint((await this.validToken()).catalog, {
          region: region ?? this.config.region,
          interface: this.config.interface,
        });
    return { http: this.http, authorizer: this, endpoint };
  }

  private validToken(): Promise<IssuedToken> {
    if (this.current && !expiresSoon(this.current)) {
      return Promise.resolve(this.current);
    }
    const auth = this.config.auth;
    if (!auth) {
      return Promise.reject(new ConfigurationError("no Keystone credentials are configured"));
    }
    this.pending ??= issueToken(this.http, auth)
      .then((issued) => {
        registerSecret(issued.token);
        this.current = issued;
        return issued;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401 && this.config.credentialSource) {
          sourceOfRejected.set(error, this.config.credentialSource);
        }
        throw error;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

/** Keystone's refusals of credentials, with where those credentials came from. */
const sourceOfRejected = new WeakMap<object, string>();

/**
 * Where the credentials Keystone rejected with this error came from (stack config, `OS_*`
 * variables, which clouds.yaml entry), when the error is such a refusal.
 */
export function credentialSourceOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? sourceOfRejected.get(error) : undefined;
}

/**
 * How many requests carrying one token may be in flight: one at first, one more each time
 * one ends (doubling per round trip, as TCP's slow start), unlimited from 64 on.
 */
class TokenRamp {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(private limit: number) {}

  tryEnter(): boolean {
    if (this.limit !== Infinity && this.inFlight >= this.limit) {
      return false;
    }
    this.inFlight += 1;
    return true;
  }

  /** Nothing in flight and nobody waiting: a request carrying its token would start anew. */
  get idle(): boolean {
    return this.inFlight === 0 && this.waiters.length === 0;
  }

  nextOpening(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  leave(): void {
    this.inFlight -= 1;
    this.limit = this.limit >= RAMP_OPEN ? Infinity : this.limit + 1;
    const woken = this.waiters;
    this.waiters = [];
    for (const wake of woken) {
      wake();
    }
  }
}

const RAMP_OPEN = 64;

/**
 * `PIM_TOKEN_RAMP=off` sends every request at once, as before the ramp. For tests that hold
 * requests until a partner request of another process arrives (the fault suite's revocation
 * race): a ramp there waits for an answer that the test holds back.
 */
function rampDisabled(): boolean {
  return process.env.PIM_TOKEN_RAMP === "off";
}

/** Renew five minutes before expiry so a long deployment never sends an expired token. */
function expiresSoon(token: IssuedToken): boolean {
  return token.expiresAt.getTime() - Date.now() < 5 * 60_000;
}

/**
 * Huawei Cloud / Open Telekom Cloud with access keys: every request is signed, so there is
 * no token to fetch, and the IMS endpoint follows from the region.
 */
export class AkSkSession implements CloudSession {
  private readonly authorizer: AkSkAuthorizer;

  constructor(
    readonly http: HttpClient,
    readonly config: CloudConfig & { aksk: AkSkOptions },
  ) {
    this.authorizer = new AkSkAuthorizer(config.aksk);
  }

  async imageService(region?: string): Promise<ServiceConnection> {
    const endpoint = this.config.imageEndpoint
      ? normalizeImageEndpoint(this.config.imageEndpoint)
      : imsEndpoint(this.config.aksk.imsCloud, region ?? this.config.region ?? "");
    return { http: this.http, authorizer: this.authorizer, endpoint };
  }

  async projectId(): Promise<string | undefined> {
    return this.config.aksk.projectId;
  }
}

/** `https://ims.{region}.myhuaweicloud.com`, or Open Telekom Cloud's `ims.{region}.otc.t-systems.com`. */
export function imsEndpoint(cloud: AkSkOptions["imsCloud"], region: string): string {
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new ConfigurationError(
      `"${region}" is not a region name IMS endpoints are made from (like "eu-de").`,
    );
  }
  return cloud === "otc"
    ? `https://ims.${region}.otc.t-systems.com`
    : `https://ims.${region}.myhuaweicloud.com`;
}

export interface SessionOptions {
  retry?: Partial<RetryPolicy>;
}

/**
 * The session for a configuration, shared by every provider instance in this process.
 * Pulumi loads one provider copy per serialized text and gives each its own module scope,
 * so the cache lives on `globalThis`: one authentication per process, whatever the count
 * of resources or resource types.
 */
export function sessionFor(config: CloudConfig, options: SessionOptions = {}): CloudSession {
  const holder = globalThis as unknown as Record<symbol, Map<string, CloudSession> | undefined>;
  // Looked up on each call: Pulumi's serializer cannot capture a symbol held in a variable.
  const sessions = (holder[Symbol.for("pulumi-image-members.sessions")] ??= new Map());
  const key = createHash("sha256")
    .update(JSON.stringify([config, options]))
    .digest("hex");
  let session = sessions.get(key);
  if (!session) {
    const http = new HttpClient({ retry: options.retry, tls: tlsOptions(config) });
    session = config.aksk
      ? new AkSkSession(http, { ...config, aksk: config.aksk })
      : new KeystoneSession(http, config);
    sessions.set(key, session);
  }
  return session;
}

function tlsOptions(config: CloudConfig): { caCertificate?: Buffer; insecure: boolean } {
  if (config.insecure) {
    console.error(
      "warning: TLS certificate verification is turned off (OS_INSECURE / openstack:insecure); " +
        "anyone on the network path can read the credentials. Use OS_CACERT instead.",
    );
  }
  if (!config.cacertFile) {
    return { insecure: config.insecure };
  }
  try {
    return { caCertificate: fs.readFileSync(config.cacertFile), insecure: config.insecure };
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the CA bundle ${config.cacertFile} (OS_CACERT): ${(error as Error).message}`,
    );
  }
}
