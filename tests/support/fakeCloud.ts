/**
 * An in-process Keystone v3 + Glance v2 (image members) that answers as the facts sheet
 * (shared/spec/glance-members-facts.md) says the real ones do: same status codes, same
 * messages with their `<br />` tail, same visibility and ownership rules. For unit tests only.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import {
  Answer,
  credentialsEcho,
  withEcho,
  FakeImage,
  FakeProject,
  Fault,
  KeystoneAuth,
  LoggedRequest,
  MemberRow,
  keystoneError,
  now,
  titles,
  unauthorizedText,
} from "./fakeCloudTypes";

export type { FakeImage, FakeProject, Fault, LoggedRequest } from "./fakeCloudTypes";
import { listImages } from "./fakeImageList";

export class FakeCloud {
  readonly projects: FakeProject[] = ["owner", "consumer1", "consumer2"].map((name) => ({
    id: randomUUID().replace(/-/g, ""),
    name,
    user: { id: randomUUID().replace(/-/g, ""), name, password: `${name}-pw-${randomUUID()}` },
  }));
  readonly applicationCredential = {
    id: randomUUID().replace(/-/g, ""),
    secret: `appcred-${randomUUID()}`,
  };
  readonly images = new Map<string, FakeImage>();
  readonly members = new Map<string, MemberRow[]>();
  readonly tokens = new Map<string, { projectId: string; expiresAt: Date }>();
  readonly log: LoggedRequest[] = [];
  readonly faults: Fault[] = [];
  memberQuota = 128;
  /** `GET /v2/images` page size when none is asked (Glance's `limit_param_default`). */
  limitParamDefault = 25;
  /** The largest page `GET /v2/images` gives (Glance's `api_limit_max`). */
  apiLimitMax = 1000;
  /** Added to the catalog's image URL, as some clouds register it. */
  imagePathSuffix = "";
  tokenLifetimeMs = 3600_000;
  /**
   * Every error answer quotes the credentials of its request (password, application
   * credential secret, token), as some real gateways do, to prove they never reach the user.
   */
  echoCredentials = false;
  /**
   * Memberships (`<image>/<member>`) an owner's DELETE does not remove for good: the member
   * project's status PUT, racing it, writes the row back (`deleted = False`) once the DELETE
   * has answered 204, as the installed Glance does (docs/failure-modes.md); each DELETE undone
   * counts one down. See `memberComesBack`.
   */
  private readonly comingBack = new Map<string, { times: number; status?: MemberRow["status"] }>();
  private server?: http.Server;
  url = "";

  project(name: string): FakeProject {
    const found = this.projects.find((p) => p.name === name);
    if (!found) throw new Error(`no project ${name}`);
    return found;
  }

  addImage(
    ownerName: string,
    visibility: FakeImage["visibility"] = "shared",
    name: string | null = null,
  ): FakeImage {
    const image = {
      id: randomUUID(),
      owner: this.project(ownerName).id,
      visibility,
      name,
      created_at: now(),
      updated_at: now(),
    };
    this.images.set(image.id, image);
    this.members.set(image.id, []);
    return image;
  }

  /** A membership made outside the provider, as by the owner's CLI: `memberId`'s row, pending. */
  shareByHand(
    imageId: string,
    memberId: string,
    status: MemberRow["status"] = "pending",
    at = "2026-01-01T00:00:00Z",
  ): void {
    this.members.get(imageId)!.push({
      member_id: memberId,
      image_id: imageId,
      status,
      created_at: at,
      updated_at: at,
      schema: "/v2/schemas/member",
    });
  }

  /**
   * The next `times` successful DELETEs of this membership are undone right after their 204,
   * as by a status PUT that met them (with that status, if given); `Infinity`: a member
   * project that keeps setting its status.
   */
  memberComesBack(
    imageId: string,
    memberId: string,
    times = 1,
    status?: MemberRow["status"],
  ): void {
    this.comingBack.set(`${imageId}/${memberId}`, { times, ...(status ? { status } : {}) });
  }

  revokeAllTokens(): void {
    this.tokens.clear();
  }

  glanceRequests(): LoggedRequest[] {
    return this.log.filter((r) => r.service === "glance");
  }

  authentications(): LoggedRequest[] {
    return this.log.filter((r) => r.service === "keystone" && r.path === "/v3/auth/tokens");
  }

  /** Listens on loopback; over HTTPS when given a key and certificate. */
  async start(tls?: { key: Buffer; cert: Buffer }): Promise<string> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const [path, search = ""] = (req.url ?? "").split("?");
      const method = req.method ?? "GET";
      const service = path.startsWith("/v3") ? "keystone" : "glance";
      const token = (req.headers["x-auth-token"] as string | undefined) ?? this.akskToken(req);
      const fault = this.takeFault(method, path, raw);
      if (fault?.resetBeforeServing) {
        this.log.push({ method, path, status: 0, service, token });
        req.socket.destroy();
        return;
      }
      if (fault?.status && fault.served) {
        if (service === "keystone") this.keystone(method, path, raw);
        else this.glance(method, path, raw, token, search);
      }
      const echo = this.echoCredentials ? credentialsEcho(raw, token) : "";
      if (fault?.status) {
        this.log.push({ method, path, status: fault.status, service, token });
        const headers: Record<string, string> = fault.retryAfter
          ? { "Retry-After": fault.retryAfter }
          : {};
        const message = "Fault injected by the test.";
        this.sendError(res, fault.status, message, headers, fault.body, echo);
        return;
      }
      const answer =
        service === "keystone"
          ? this.keystone(method, path, raw)
          : this.glance(method, path, raw, token, search);
      this.log.push({ method, path, status: answer.status, service, token, query: search });
      if (fault?.dropResponse) {
        req.socket.destroy();
        return;
      }
      if (answer.status >= 400) {
        this.sendError(res, answer.status, answer.message ?? "", {}, answer.plain, echo);
        return;
      }
      const served = fault?.rewriteBody ? fault.rewriteBody(answer.body) : answer.body;
      const body = served === undefined ? "" : JSON.stringify(served);
      res.writeHead(answer.status, {
        "Content-Type": "application/json",
        "x-openstack-request-id": `req-${randomUUID()}`,
        ...answer.headers,
      });
      res.end(body);
    });
  }

  /**
   * Huawei-style AK/SK: a request signed with the known access key acts for the project in
   * X-Project-Id (the signature itself is verified in the signer's own tests).
   */
  akskAccessKey?: string;

  private akskToken(req: http.IncomingMessage): string | undefined {
    const authorization = req.headers.authorization ?? "";
    const projectId = req.headers["x-project-id"] as string | undefined;
    if (
      !this.akskAccessKey ||
      !projectId ||
      !authorization.startsWith(`SDK-HMAC-SHA256 Access=${this.akskAccessKey},`)
    ) {
      return undefined;
    }
    const token = `aksk-${projectId}`;
    this.tokens.set(token, { projectId, expiresAt: new Date(Date.now() + 3600_000) });
    return token;
  }

  private takeFault(method: string, path: string, body: string): Fault | undefined {
    const fault = this.faults.find((f) => f.times > 0 && f.match(method, path, body));
    if (fault) fault.times -= 1;
    return fault;
  }

  private sendError(
    res: http.ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string>,
    plain?: string,
    echo = "",
  ): void {
    const text =
      plain ??
      JSON.stringify({
        message: `${message}<br /><br />\n\n\n`,
        code: `${status} ${titles[status] ?? "Error"}`,
        title: titles[status] ?? "Error",
      });
    const body = echo ? withEcho(text, echo) : text;
    res.writeHead(status, {
      "Content-Type": plain ? "text/html" : "application/json",
      "x-openstack-request-id": `req-${randomUUID()}`,
      ...headers,
    });
    res.end(body);
  }

  // ---- Keystone v3 ----

  private keystone(method: string, path: string, raw: string): Answer {
    if (method !== "POST" || path !== "/v3/auth/tokens") {
      return { status: 404, message: "The resource could not be found." };
    }
    const auth = (JSON.parse(raw || "{}") as { auth?: KeystoneAuth }).auth ?? {};
    const identity = auth.identity ?? {};
    let user: FakeProject | undefined;
    let projectFromCredential: FakeProject | undefined;
    if (identity.methods?.[0] === "password") {
      const u = identity.password?.user ?? {};
      user = this.projects.find(
        (p) =>
          (u.id ? p.user.id === u.id : p.user.name === u.name && u.domain?.name === "Default") &&
          p.user.password === u.password,
      );
    } else if (identity.methods?.[0] === "application_credential") {
      const c = identity.application_credential ?? {};
      if (
        c.id === this.applicationCredential.id &&
        c.secret === this.applicationCredential.secret
      ) {
        user = projectFromCredential = this.project("owner");
      }
    } else if (identity.methods?.[0] === "token") {
      const known = this.tokens.get(identity.token?.id ?? "");
      user = known ? this.projects.find((p) => p.id === known.projectId) : undefined;
    }
    if (!user) {
      return keystoneError(401, "The request you have made requires authentication.");
    }
    const scope = auth.scope?.project;
    const project =
      projectFromCredential ??
      (scope
        ? this.projects.find((p) => (scope.id ? p.id === scope.id : p.name === scope.name))
        : undefined);
    if (scope && project !== user) {
      return keystoneError(401, "The request you have made requires authentication.");
    }
    const token = `gAAAAA${randomUUID().replace(/-/g, "")}${randomUUID().replace(/-/g, "")}`;
    const expiresAt = new Date(Date.now() + this.tokenLifetimeMs);
    if (project) this.tokens.set(token, { projectId: project.id, expiresAt });
    return {
      status: 201,
      headers: { "X-Subject-Token": token },
      body: {
        token: {
          expires_at: expiresAt.toISOString(),
          user: { id: user.user.id, name: user.user.name },
          project: project ? { id: project.id, name: project.name } : undefined,
          catalog: project
            ? [
                {
                  type: "image",
                  name: "glance",
                  endpoints: ["public", "internal", "admin"].map((iface) => ({
                    interface: iface,
                    region_id: "RegionOne",
                    region: "RegionOne",
                    url: `${this.url}${this.imagePathSuffix}`,
                  })),
                },
              ]
            : [],
        },
      },
    };
  }

  // ---- Glance v2 ----

  private glance(
    method: string,
    path: string,
    raw: string,
    token: string | undefined,
    search = "",
  ): Answer {
    const session = token ? this.tokens.get(token) : undefined;
    if (!session || session.expiresAt.getTime() < Date.now()) {
      return { status: 401, plain: unauthorizedText };
    }
    const caller = session.projectId;
    const parts = path.split("/").map((p) => decodeURIComponent(p));
    if (path === "/v2/images" && method === "GET") {
      return listImages(
        [...this.images.values()],
        (id) => this.members.get(id) ?? [],
        caller,
        new URLSearchParams(search),
        this,
      );
    }
    // ["", "v2", "images", id, "members", memberId]
    if (parts[1] !== "v2" || parts[2] !== "images" || parts.length < 4 || parts.length > 6) {
      return { status: 404, message: "The resource could not be found." };
    }
    const imageId = parts[3];
    const image = this.images.get(imageId);
    const visible =
      image &&
      (image.owner === caller ||
        image.visibility === "public" ||
        image.visibility === "community" ||
        (image.visibility === "shared" &&
          (this.members.get(image.id) ?? []).some((m) => m.member_id === caller)));
    if (!image || !visible) {
      return { status: 404, message: `Image ${imageId} not found.` };
    }
    if (parts.length === 4) {
      return method === "GET"
        ? {
            status: 200,
            body: {
              id: image.id,
              owner: image.owner,
              visibility: image.visibility,
              status: "active",
            },
          }
        : { status: 405, message: "Method not allowed" };
    }
    if (parts[4] !== "members") {
      return { status: 404, message: "The resource could not be found." };
    }
    const rows = this.members.get(image.id)!;
    const isOwner = image.owner === caller;
    if (parts.length === 5) {
      if (method === "POST") return this.addMember(image, rows, isOwner, raw);
      if (method === "GET") {
        if (image.visibility !== "shared") {
          return {
            status: 403,
            message: `Not allowed to list members for image ${image.id}: Only shared images have members.`,
          };
        }
        const visibleRows = isOwner ? rows : rows.filter((m) => m.member_id === caller);
        return { status: 200, body: { members: visibleRows, schema: "/v2/schemas/members" } };
      }
      return { status: 405, message: "Method not allowed" };
    }
    const memberId = parts[5];
    if (method === "DELETE" && isOwner && image.visibility !== "shared") {
      return { status: 403, message: `Not allowed to delete members for image ${image.id}.` };
    }
    if (image.visibility !== "shared") {
      return { status: 404, message: "Only shared images have members." };
    }
    const row = rows.find((m) => m.member_id === memberId && (isOwner || m.member_id === caller));
    if (method === "PUT" && isOwner && caller !== memberId) {
      return { status: 403, message: `Not allowed to update members for image ${image.id}.` };
    }
    if (method === "DELETE" && !isOwner) {
      return { status: 403, message: `Not allowed to delete members for image ${image.id}.` };
    }
    if (!row) {
      return {
        status: 404,
        message: `${memberId} not found in the member list of the image ${image.id}.`,
      };
    }
    if (method === "GET") return { status: 200, body: row };
    if (method === "DELETE") {
      rows.splice(rows.indexOf(row), 1);
      const back = this.comingBack.get(`${image.id}/${memberId}`);
      if (back && back.times > 0) {
        back.times -= 1;
        // The racing PUT's write: the same row, not deleted, its status set, after the 204.
        setImmediate(() => {
          rows.push({ ...row, status: back.status ?? row.status, updated_at: now() });
        });
      }
      return { status: 204 };
    }
    if (method === "PUT") {
      const status = (JSON.parse(raw || "{}") as { status?: string }).status;
      if (status !== "pending" && status !== "accepted" && status !== "rejected") {
        return {
          status: 400,
          message: 'Incorrect request: Status must be "pending", "accepted" or "rejected".',
        };
      }
      row.status = status;
      row.updated_at = now();
      return { status: 200, body: row };
    }
    return { status: 405, message: "Method not allowed" };
  }

  private addMember(image: FakeImage, rows: MemberRow[], isOwner: boolean, raw: string): Answer {
    // A project that cannot see the image got a 404 above; one that can (a member) gets 403.
    if (!isOwner || image.visibility !== "shared") {
      return { status: 403, message: `Not allowed to create members for image ${image.id}.` };
    }
    const body = JSON.parse(raw || "{}") as { member?: string };
    if (body.member === undefined)
      return { status: 400, message: "Member to be added not specified" };
    if (body.member === "") return { status: 400, message: "Member can't be empty" };
    if (rows.length >= this.memberQuota) {
      return {
        status: 413,
        message: `Image member limit exceeded for image ${image.id}: attempted: 1, maximum: ${this.memberQuota}`,
      };
    }
    if (rows.some((m) => m.member_id === body.member)) {
      return { status: 409, message: `Member ${body.member} is duplicated for image ${image.id}` };
    }
    if (body.member.length > 255) {
      return {
        status: 500,
        message:
          "The server has either erred or is incapable of performing the requested operation.",
      };
    }
    const row: MemberRow = {
      member_id: body.member,
      image_id: image.id,
      status: "pending",
      created_at: now(),
      updated_at: now(),
      schema: "/v2/schemas/member",
    };
    rows.push(row);
    return { status: 200, body: row };
  }
}
