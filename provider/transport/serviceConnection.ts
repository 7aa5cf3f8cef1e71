import { HttpClient, RequestAuthorizer } from "./http";

/**
 * An authenticated way to reach one service: what a session hands out (identity/) and what
 * an API client takes (glance/). One shape for both, so neither layer knows the other.
 */
export interface ServiceConnection {
  http: HttpClient;
  authorizer: RequestAuthorizer;
  /** The service's base URL (for Glance, without the `/v2` suffix). */
  endpoint: string;
}
