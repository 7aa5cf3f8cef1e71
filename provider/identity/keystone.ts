import { HttpClient } from "../transport/http";
import { AuthOptions } from "./cloudConfig";
import { ConfigurationError } from "./configurationError";

export interface CatalogEndpoint {
  interface: string;
  region_id?: string;
  region?: string;
  url: string;
}

export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** A token and what came with it. The token itself must never be logged or stored. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
  catalog: CatalogEntry[];
  projectId?: string;
  userId?: string;
}

/** `https://host:5000`, `.../v3` and `.../v3/` all name the same Keystone v3 API. */
export function identityV3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, "");
  if (/\/v2\.0$/.test(trimmed)) {
    throw new ConfigurationError(
      `OS_AUTH_URL ${authUrl} points at Keystone v2.0; this provider needs Keystone v3 (usually the same URL ending in /v3).`,
    );
  }
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

function domain(id: string | undefined, name: string | undefined): object | undefined {
  if (id) {
    return { id };
  }
  return name ? { name } : undefined;
}

function identityFor(auth: AuthOptions): object {
  switch (auth.method) {
    case "password":
      return {
        methods: ["password"],
        password: {
          user: auth.userId
            ? { id: auth.userId, password: auth.password }
            : {
                name: auth.username,
                domain: domain(auth.userDomainId, auth.userDomainName),
                password: auth.password,
              },
        },
      };
    case "application_credential":
      return {
        methods: ["application_credential"],
        application_credential: auth.applicationCredentialId
          ? { id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret }
          : {
              name: auth.applicationCredentialName,
              secret: auth.applicationCredentialSecret,
              user: auth.userId
                ? { id: auth.userId }
                : { name: auth.username, domain: domain(auth.userDomainId, auth.userDomainName) },
            },
      };
    case "token":
      return { methods: ["token"], token: { id: auth.token } };
  }
}

function scopeFor(auth: AuthOptions): object | undefined {
  // Application credentials carry their own project; Keystone refuses an explicit scope.
  if (auth.method === "application_credential") {
    return undefined;
  }
  if (auth.projectId) {
    return { project: { id: auth.projectId } };
  }
  if (auth.projectName) {
    return {
      project: {
        name: auth.projectName,
        domain: domain(auth.projectDomainId, auth.projectDomainName),
      },
    };
  }
  return undefined;
}

interface TokenBody {
  token?: {
    expires_at?: string;
    catalog?: CatalogEntry[];
    project?: { id?: string };
    user?: { id?: string };
  };
}

/** `POST /v3/auth/tokens`: one authentication. */
export async function issueToken(http: HttpClient, auth: AuthOptions): Promise<IssuedToken> {
  const scope = scopeFor(auth);
  const response = await http.request({
    method: "POST",
    url: `${identityV3Url(auth.authUrl)}/auth/tokens`,
    json: { auth: { identity: identityFor(auth), ...(scope ? { scope } : {}) } },
  });
  const token = response.headers.get("x-subject-token");
  const body = (response.body ?? {}) as TokenBody;
  if (!token || !body.token) {
    throw new ConfigurationError(
      `Keystone at ${auth.authUrl} answered ${response.status} without a token; is OS_AUTH_URL a Keystone v3 endpoint?`,
    );
  }
  const expiresAt = body.token.expires_at
    ? new Date(body.token.expires_at)
    : new Date(Date.now() + 3600_000);
  return {
    token,
    expiresAt,
    catalog: body.token.catalog ?? [],
    projectId: body.token.project?.id,
    userId: body.token.user?.id,
  };
}

/**
 * The image service URL from the catalog, for a region and interface, without a trailing
 * `/v2` (some clouds register it with the version, most without).
 */
export function findImageEndpoint(
  catalog: CatalogEntry[],
  wanted: { region?: string; interface: string },
): string {
  const service = catalog.find((entry) => entry.type === "image");
  if (!service) {
    const types =
      catalog.map((entry) => entry.type).join(", ") || "none (was the token issued unscoped?)";
    throw new ConfigurationError(
      `The service catalog has no "image" service (it has: ${types}). Set openstack:imageEndpoint ` +
        `(or OS_IMAGE_ENDPOINT_OVERRIDE) to the Glance URL, or scope the credentials to a project.`,
    );
  }
  const candidates = service.endpoints.filter(
    (e) =>
      e.interface === wanted.interface &&
      (!wanted.region || (e.region_id ?? e.region) === wanted.region),
  );
  if (candidates.length === 0) {
    const offered = service.endpoints
      .map((e) => `${e.interface}@${e.region_id ?? e.region ?? "?"}`)
      .join(", ");
    throw new ConfigurationError(
      `The image service has no ${wanted.interface} endpoint` +
        (wanted.region ? ` in region "${wanted.region}"` : "") +
        `; the catalog offers: ${offered || "nothing"}. Check the region (OS_REGION_NAME or the resource's region) ` +
        `and interface (OS_INTERFACE).`,
    );
  }
  return normalizeImageEndpoint(candidates[0].url);
}

export function normalizeImageEndpoint(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v2(\.\d+)?$/, "");
}
