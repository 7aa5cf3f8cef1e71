import { HttpClient, RequestAuthorizer } from "../transport/http";

/** What the Glance client needs: where Glance is, and how to send it authorized requests. */
export interface GlanceConnection {
  http: HttpClient;
  authorizer: RequestAuthorizer;
  /** Base URL without the `/v2` suffix. */
  endpoint: string;
}
