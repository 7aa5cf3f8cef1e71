/**
 * The real cloud the acceptance and end-to-end tests run against: the local Keystone +
 * Glance of scripts/local-cloud.sh (its .local-cloud/env/cloud.json), or a cloud.json of the
 * same shape named by PIM_CLOUD_JSON for any other cloud. Missing: the tests fail with the
 * command that provides it.
 */
import * as fs from "fs";
import * as path from "path";
import { execFile, execFileSync } from "child_process";
import { randomUUID } from "crypto";
import { KeystoneSession } from "../../provider/identity/session";
import { resolveCloudConfig } from "../../provider/identity/resolve";
import { settingsFromStack } from "../../provider/identity/settings";
import { HttpClient } from "../../provider/transport/http";
import { projectRoot } from "./childProcess";

export interface IdentityFile {
  authUrl: string;
  username: string;
  userId: string;
  password: string;
  projectName: string;
  projectId: string;
  userDomainName: string;
  projectDomainName: string;
  region: string;
}

export interface CloudFile {
  keystoneUrl: string;
  authUrl: string;
  glanceUrl: string;
  region: string;
  identities: Record<"owner" | "consumer1" | "consumer2", IdentityFile> &
    Record<string, IdentityFile>;
}

export const localCloudJson = path.join(projectRoot, ".local-cloud", "env", "cloud.json");

/** The cloud.json of the cloud under test: PIM_CLOUD_JSON, or the local cloud's. */
export function cloudJsonPath(): string {
  return path.resolve(process.env.PIM_CLOUD_JSON ?? localCloudJson);
}

/**
 * The state folder of the scripts/local-cloud.sh cloud the cloud.json belongs to (its
 * `<folder>/env/cloud.json`, beside the folder's ports.env or secrets/), or undefined for a cloud
 * of your own: what may be asked of local-cloud.sh (a state database) for the cloud under test.
 */
export function localCloudDirOf(cloudJson: string): string | undefined {
  const dir = path.dirname(path.dirname(cloudJson));
  const made =
    path.basename(path.dirname(cloudJson)) === "env" &&
    (fs.existsSync(path.join(dir, "ports.env")) ||
      fs.existsSync(path.join(dir, "secrets", "passwords.env")));
  return made ? dir : undefined;
}

export function loadCloudFile(): CloudFile {
  const file = cloudJsonPath();
  if (!fs.existsSync(file)) {
    throw new Error(
      `No cloud to test against (${file} is missing): run "sudo bash scripts/local-cloud.sh up" for the local ` +
        `Keystone + Glance, or set PIM_CLOUD_JSON to a cloud.json describing yours (see CONTRIBUTING.md, "Your own cloud").`,
    );
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as CloudFile;
}

/** The identity as `openstack:*` stack config, the highest-precedence configuration source. */
export function stackConfigOf(
  identity: IdentityFile,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "openstack:authUrl": identity.authUrl,
    "openstack:userName": identity.username,
    "openstack:password": identity.password,
    "openstack:tenantName": identity.projectName,
    "openstack:userDomainName": identity.userDomainName,
    "openstack:projectDomainName": identity.projectDomainName,
    "openstack:region": identity.region,
    ...extra,
  };
}

/**
 * The identity as `OS_*` environment variables (password authentication), as the provider
 * plugin, a pipeline job or the openstack CLI read them. `authUrl`: the Keystone to send them
 * to when not the identity's own (a proxy in front of it).
 */
export function osEnvironmentOf(
  identity: IdentityFile,
  authUrl = identity.authUrl,
): Record<string, string> {
  return {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: identity.username,
    OS_PASSWORD: identity.password,
    OS_PROJECT_NAME: identity.projectName,
    OS_USER_DOMAIN_NAME: identity.userDomainName,
    OS_PROJECT_DOMAIN_NAME: identity.projectDomainName,
    OS_REGION_NAME: identity.region,
  };
}

export function configureRequest(values: Record<string, string>) {
  return { config: { get: (k: string) => values[k], require: (k: string) => values[k] } };
}

/** A provider as the engine makes one: `configure` with the stack config (maybe none). */
export async function configured<T extends { configure(r: unknown): Promise<void> }>(
  provider: T,
  stack: Record<string, string> = {},
): Promise<T> {
  await provider.configure(configureRequest(stack));
  return provider;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a failure, got ${String(outcome)}`);
  return outcome;
}

/**
 * Test set-up and inspection straight against Glance (images, out-of-band member changes),
 * authenticated through the project's own identity layer.
 */
export class GlanceDriver {
  readonly session: KeystoneSession;
  private readonly images: string[] = [];

  constructor(
    readonly cloud: CloudFile,
    identity: IdentityFile,
  ) {
    const config = resolveCloudConfig({
      stack: settingsFromStack((k) => stackConfigOf(identity)[k]),
      env: {},
    });
    this.session = new KeystoneSession(new HttpClient(), config);
  }

  private async send(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    urlPath: string,
    json?: unknown,
    headers?: Record<string, string>,
  ) {
    const glance = await this.session.imageService();
    return this.session.http.request({
      method,
      url: `${glance.endpoint}${urlPath}`,
      json,
      headers,
      authorizer: this.session,
    });
  }

  async createImage(
    visibility: "shared" | "private" = "shared",
    name = `pim-test-${randomUUID().slice(0, 8)}`,
  ): Promise<string> {
    const response = await this.send("POST", "/v2/images", {
      name,
      disk_format: "raw",
      container_format: "bare",
      visibility,
    });
    const id = (response.body as { id: string }).id;
    this.images.push(id);
    return id;
  }

  async setVisibility(imageId: string, visibility: string): Promise<void> {
    await this.send(
      "PATCH",
      `/v2/images/${imageId}`,
      [{ op: "replace", path: "/visibility", value: visibility }],
      {
        "Content-Type": "application/openstack-images-v2.1-json-patch",
      },
    );
  }

  async memberIds(imageId: string): Promise<string[]> {
    const response = await this.send("GET", `/v2/images/${imageId}/members`);
    return ((response.body as { members: { member_id: string }[] }).members ?? [])
      .map((m) => m.member_id)
      .sort();
  }

  async memberStatus(imageId: string, memberId: string): Promise<string> {
    const response = await this.send("GET", `/v2/images/${imageId}/members/${memberId}`);
    return (response.body as { status: string }).status;
  }

  async addMember(imageId: string, memberId: string): Promise<void> {
    await this.send("POST", `/v2/images/${imageId}/members`, { member: memberId });
  }

  async deleteMember(imageId: string, memberId: string): Promise<void> {
    await this.send("DELETE", `/v2/images/${imageId}/members/${memberId}`);
  }

  async setMemberStatus(imageId: string, memberId: string, status: string): Promise<void> {
    await this.send("PUT", `/v2/images/${imageId}/members/${memberId}`, { status });
  }

  /** Deletes every image this driver made; their members go with them. */
  async cleanUp(): Promise<void> {
    for (const id of this.images.splice(0)) {
      await this.setVisibility(id, "shared").catch(() => undefined);
      await this.send("DELETE", `/v2/images/${id}`).catch(() => undefined);
    }
  }
}

/**
 * The names of the `secrets` that appear anywhere in `value` (its JSON, or the text itself),
 * so an assertion that fails says which one leaked without printing it.
 */
export function secretsShownIn(value: unknown, secrets: Record<string, string>): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return Object.entries(secrets)
    .filter(([, secret]) => secret.length > 0 && text.includes(secret))
    .map(([name]) => name);
}

/** The password of every identity of the cloud file, named "password of <identity>". */
export function identityPasswords(cloud: CloudFile): Record<string, string> {
  return Object.fromEntries(
    Object.entries(cloud.identities).map(([name, i]) => [`password of ${name}`, i.password]),
  );
}

/** The owner's read-only application credential: its env file and that file's values. */
export interface ReadOnlyCredential {
  file: string;
  env: Record<string, string>;
}

/** read-only-credential.py's exit status when the cloud's Glance ignores access rules. */
const accessRulesNotEnforced = 3;

/**
 * The owner's application credential that may only GET images and members (Keystone access
 * rules that Glance enforces), made or reused on the cloud under test (the one cloud.json
 * describes) with the owner's own password, through Keystone's API
 * (scripts/local-cloud/read-only-credential.py, the very code of `scripts/local-cloud.sh
 * read-only-credential`). Kept in owner-read-only.env beside that cloud.json (mode 0600). A
 * cloud whose Glance does not enforce access rules fails the test saying what to set; no other
 * cloud is ever asked.
 */
export async function readOnlyCredential(): Promise<ReadOnlyCredential> {
  const cloudJson = cloudJsonPath();
  const file = path.join(path.dirname(cloudJson), "owner-read-only.env");
  const script = path.join(projectRoot, "scripts/local-cloud/read-only-credential.py");
  const env = {
    ...process.env,
    LC_CLOUD_JSON: cloudJson,
    LC_IDENTITY: "owner",
    LC_NAME: "owner-read-only",
    LC_ENV_FILE: file,
  };
  const failed = await new Promise<{ status: number | null; stderr: string } | undefined>(
    (resolve) =>
      execFile("python3", [script], { env, timeout: 300_000 }, (error, _stdout, stderr) =>
        resolve(
          error
            ? { status: typeof error.code === "number" ? error.code : null, stderr }
            : undefined,
        ),
      ),
  );
  if (failed) {
    throw new Error(
      failed.status === accessRulesNotEnforced
        ? `The cloud under test (${cloudJson}) cannot give the tests a read-only credential: ${failed.stderr.trim()}`
        : `Could not make the owner's read-only application credential on the cloud under test (${cloudJson}) ` +
            `with python3 ${path.relative(projectRoot, script)} (exit ${failed.status}): ${failed.stderr.trim()}`,
    );
  }
  const values = Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("export "))
      .map((line) => {
        const [key, ...value] = line.slice("export ".length).split("=");
        return [key, value.join("=")];
      }),
  );
  return { file, env: values };
}

/**
 * A second glance-api of the local cloud started with other options (`name` and its options
 * as scripts/local-cloud.sh glance-extra takes them), on PIM_<NAME>_GLANCE_PORT or
 * `defaultPort`; the same options again do not restart it. Only the local cloud (this
 * checkout's, or the one LOCAL_CLOUD_DIR names) is asked: another cloud given by
 * PIM_CLOUD_JSON must run it (CONTRIBUTING.md, "Your own cloud"). Returns its URL.
 */
export function extraGlance(name: string, defaultPort: string, glanceOptions: string[]): string {
  const port = process.env[`PIM_${name.toUpperCase()}_GLANCE_PORT`] ?? defaultPort;
  const localDir = process.env.LOCAL_CLOUD_DIR ?? path.join(projectRoot, ".local-cloud");
  const given = process.env.PIM_CLOUD_JSON;
  if (!given || path.resolve(given) === path.join(path.resolve(localDir), "env", "cloud.json")) {
    execFileSync(
      "bash",
      [
        path.join(projectRoot, "scripts/local-cloud.sh"),
        "glance-extra",
        name,
        port,
        ...glanceOptions,
      ],
      { stdio: "inherit" },
    );
  }
  return `http://127.0.0.1:${port}`;
}

/** How many images a page of the paging glance-api lists. */
export const pagingGlancePageSize = 2;

/**
 * The glance-api that lists `pagingGlancePageSize` images a page, which the look-ups' tests
 * share (the same options: not restarted).
 */
export function pagingGlanceUrl(): string {
  const size = pagingGlancePageSize;
  return extraGlance("lookups", "19412", [`limit_param_default=${size}`, `api_limit_max=${size}`]);
}
