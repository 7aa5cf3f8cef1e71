/**
 * The read-only credential of the tests (realCloud's readOnlyCredential, through
 * scripts/local-cloud/read-only-credential.py) is made on the cloud under test, the one
 * PIM_CLOUD_JSON describes, with the owner's own password through Keystone's API, and nowhere
 * else; a cloud whose Glance ignores access rules fails with what to set. Against a stand-in
 * Keystone + Glance (an HTTP server answering as they do) that records every request: what no
 * real cloud here can be made to do (ignore the rules) without reconfiguring it. The GitOps
 * tests' state database likewise: given, or the cloud under test's own when local-cloud.sh made
 * it, never another's.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { stateBackend } from "../support/pipelineRepo";
import { readOnlyCredential } from "../support/realCloud";

interface Seen {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

let dir: string;
let server: http.Server;
let seen: Seen[];
/** What the stand-in Glance answers a POST of a member: 401 enforces the rules, 404 ignores them. */
let glanceAnswer: number;
const secret = "s3cr3t-of-the-credential-0123456789";

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-ro-credential-"));
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      seen.push({ method: req.method!, url: req.url!, body });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const json = (status: number, doc: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(doc));
      };
      const { method, url } = req;
      if (method === "POST" && url!.startsWith("/v3/auth/tokens")) {
        const auth = body.auth as { identity: { methods: string[] } };
        const catalog = [
          {
            type: "image",
            endpoints: [{ interface: "public", region_id: "RegionTwo", url: `${base}/glance` }],
          },
        ];
        return json(
          201,
          { token: { catalog } },
          { "X-Subject-Token": `token-${auth.identity.methods[0]}` },
        );
      }
      if (method === "GET" && url!.startsWith("/v3/users/owner-user/application_credentials?"))
        return json(200, { application_credentials: [] });
      if (method === "POST" && url === "/v3/users/owner-user/application_credentials") {
        const cred = (body as { application_credential: Record<string, unknown> })
          .application_credential;
        return json(201, {
          application_credential: { ...cred, id: "c0ffee".padEnd(32, "0"), secret },
        });
      }
      if (method === "POST" && /^\/glance\/v2\/images\/[0-9a-f-]{36}\/members$/.test(url!))
        return json(glanceAnswer, { message: "stand-in" });
      json(500, { error: `stand-in: unexpected ${method} ${url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const authUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  const owner = {
    authUrl,
    username: "the-owner",
    userId: "owner-user",
    password: "owner-password",
    projectName: "owner-project",
    projectId: "owner-project-id",
    userDomainName: "Users",
    projectDomainName: "Projects",
    region: "RegionTwo",
  };
  fs.writeFileSync(
    path.join(dir, "cloud.json"),
    JSON.stringify({ authUrl, region: "RegionTwo", identities: { owner } }),
  );
});
afterAll(() => {
  server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let savedCloudJson: string | undefined;
beforeEach(() => {
  seen = [];
  fs.rmSync(path.join(dir, "owner-read-only.env"), { force: true });
  savedCloudJson = process.env.PIM_CLOUD_JSON;
  process.env.PIM_CLOUD_JSON = path.join(dir, "cloud.json");
});
afterEach(() => {
  if (savedCloudJson === undefined) delete process.env.PIM_CLOUD_JSON;
  else process.env.PIM_CLOUD_JSON = savedCloudJson;
});

test("made on the cloud PIM_CLOUD_JSON describes, with the owner's password, GET-only access rules; its secret only in a 0600 file beside that cloud.json", async () => {
  glanceAnswer = 401;
  const { file, env } = await readOnlyCredential();
  expect(file).toBe(path.join(dir, "owner-read-only.env"));
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(env).toMatchObject({
    OS_AUTH_TYPE: "v3applicationcredential",
    OS_AUTH_URL: JSON.parse(fs.readFileSync(path.join(dir, "cloud.json"), "utf8")).authUrl,
    OS_APPLICATION_CREDENTIAL_SECRET: secret,
    OS_REGION_NAME: "RegionTwo",
  });
  // The owner's own password, scoped as cloud.json says (names and domain names).
  expect(seen[0]!.body).toEqual({
    auth: {
      identity: {
        methods: ["password"],
        password: {
          user: { name: "the-owner", domain: { name: "Users" }, password: "owner-password" },
        },
      },
      scope: { project: { name: "owner-project", domain: { name: "Projects" } } },
    },
  });
  const made = seen.find((r) => r.method === "POST" && r.url.endsWith("/application_credentials"));
  expect(made?.body).toMatchObject({
    application_credential: {
      name: "owner-read-only",
      access_rules: [
        { service: "image", method: "GET", path: "/v2/images/**" },
        { service: "image", method: "GET", path: "/v2/images" },
      ],
    },
  });
  // Then the check that Glance refuses what the rules forbid: a POST of a member to no image.
  expect(seen.at(-1)).toMatchObject({ method: "POST", body: { member: expect.any(String) } });
  expect(seen.at(-1)!.url).toMatch(/^\/glance\/v2\/images\/[0-9a-f-]{36}\/members$/);
});

test("a Glance that ignores access rules (404 to the forbidden POST): the test fails saying what to set", async () => {
  glanceAnswer = 404;
  const message = await readOnlyCredential().then(
    () => "(made)",
    (error: Error) => error.message,
  );
  console.log(`read-only credential on a Glance that ignores access rules:\n${message}`);
  expect(message).toContain(`The cloud under test (${path.join(dir, "cloud.json")})`);
  expect(message).toContain("does not enforce application credential access rules");
  expect(message).toContain("got HTTP 404, not 401");
  expect(message).toContain("Set service_type = image in the [keystone_authtoken] section");
  expect(message).not.toContain(secret);
  // Every request went to the cloud under test: the stand-in saw the whole exchange.
  expect(seen.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
    "POST /v3/auth/tokens",
    "GET /v3/users/owner-user/application_credentials",
    "POST /v3/users/owner-user/application_credentials",
    "POST /v3/auth/tokens",
    expect.stringMatching(/^POST \/glance\/v2\/images\/[0-9a-f-]{36}\/members$/),
  ]);
});

describe("the GitOps tests' state database for a cloud local-cloud.sh did not make", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ["PIM_STATE_BACKEND_URL", "PIM_STATE_BACKEND_READ_ONLY_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  test("none given: fails saying what to set, asks no local cloud", () => {
    delete process.env.PIM_STATE_BACKEND_URL;
    delete process.env.PIM_STATE_BACKEND_READ_ONLY_URL;
    expect(() => stateBackend()).toThrow(
      `the cloud under test (${path.join(dir, "cloud.json")}) is not one of scripts/local-cloud.sh: ` +
        "set PIM_STATE_BACKEND_URL (postgres://, the owner of a database for Pulumi's state) and " +
        "PIM_STATE_BACKEND_READ_ONLY_URL",
    );
  });

  test("one of the two given: fails asking for both", () => {
    delete process.env.PIM_STATE_BACKEND_READ_ONLY_URL;
    process.env.PIM_STATE_BACKEND_URL = "postgres://owner@db.example.invalid/state";
    expect(() => stateBackend()).toThrow("Set both PIM_STATE_BACKEND_URL");
  });

  test("both given: those, as given", () => {
    process.env.PIM_STATE_BACKEND_URL = "postgres://owner@db.example.invalid/state";
    process.env.PIM_STATE_BACKEND_READ_ONLY_URL = "postgres://reader@db.example.invalid/state";
    expect(stateBackend()).toEqual({
      url: "postgres://owner@db.example.invalid/state",
      readOnlyUrl: "postgres://reader@db.example.invalid/state",
    });
  });
});
