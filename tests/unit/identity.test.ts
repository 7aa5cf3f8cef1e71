import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { settingsFromCloudsYaml } from "../../provider/identity/cloudsYaml";
import { findImageEndpoint, identityV3Url, issueToken } from "../../provider/identity/keystone";
import { resolveCloudConfig } from "../../provider/identity/resolve";
import { KeystoneSession } from "../../provider/identity/session";
import { settingsFromEnv, settingsFromStack } from "../../provider/identity/settings";
import { HttpClient } from "../../provider/transport/http";
import { ConfigurationError } from "../../provider/identity/configurationError";
import { inCloudsYamlTerms } from "../../provider/core/cloudIdentity";
import { onFakeCloud } from "../support/providerHarness";

// The real parser, counted: clouds.yaml is parsed once per text.
jest.mock("js-yaml", () => {
  const actual = jest.requireActual("js-yaml");
  return { ...actual, load: jest.fn(actual.load) };
});

const baseEnv = {
  OS_AUTH_URL: "http://keystone.test:5000/v3",
  OS_USERNAME: "env-user",
  OS_PASSWORD: "env-password",
};

describe("configuration sources", () => {
  test("stack config beats OS_* variables, which beat clouds.yaml, field by field", () => {
    const config = resolveCloudConfig({
      stack: settingsFromStack(
        (key) => ({ "openstack:tenantName": "from-stack", "openstack:region": "RegionStack" })[key],
      ),
      env: settingsFromEnv({ ...baseEnv, OS_PROJECT_NAME: "from-env", OS_CLOUD: "c" }),
      loadCloud: () => ({
        authUrl: "http://cloud.test/v3",
        username: "cloud-user",
        interface: "internal",
        region: "RegionCloud",
      }),
    });
    expect(config.auth).toMatchObject({
      method: "password",
      authUrl: "http://keystone.test:5000/v3",
      username: "env-user",
      password: "env-password",
      projectName: "from-stack",
      userDomainName: "Default",
      projectDomainName: "Default",
    });
    expect(config.region).toBe("RegionStack");
    expect(config.interface).toBe("internal");
  });

  test("the method comes from the highest source with a credential: a stray OS_TOKEN does not win", () => {
    const config = resolveCloudConfig({
      stack: { password: "stack-password" },
      env: settingsFromEnv({ ...baseEnv, OS_TOKEN: "stray-token" }),
    });
    expect(config.auth?.method).toBe("password");
    expect(config.auth?.password).toBe("stack-password");
    expect(config.auth?.token).toBeUndefined();
  });

  test("application credentials and tokens are recognised", () => {
    const appCred = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({
        OS_AUTH_URL: "http://k/v3",
        OS_APPLICATION_CREDENTIAL_ID: "id1",
        OS_APPLICATION_CREDENTIAL_SECRET: "sec",
      }),
    });
    expect(appCred.auth).toMatchObject({
      method: "application_credential",
      applicationCredentialId: "id1",
    });
    const token = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({ OS_AUTH_URL: "http://k", OS_TOKEN: "tok", OS_PROJECT_ID: "p1" }),
    });
    expect(token.auth).toMatchObject({ method: "token", token: "tok", projectId: "p1" });
  });

  test.each([
    [{}, /No Keystone URL: openstack:authUrl \/ OS_AUTH_URL is not set/],
    [
      { OS_AUTH_URL: "not a url" },
      /The Keystone URL "not a url" \(OS_AUTH_URL\) is not a valid URL/,
    ],
    [{ OS_AUTH_URL: "ftp://k" }, /must start with http:\/\/ or https:\/\//],
    [{ OS_AUTH_URL: "http://k" }, /Password authentication needs a user/],
    [
      { OS_AUTH_URL: "http://k", OS_USERNAME: "u" },
      /password authentication needs openstack:password \/ OS_PASSWORD/,
    ],
    [
      { OS_AUTH_URL: "http://k", OS_APPLICATION_CREDENTIAL_SECRET: "s" },
      /needs OS_APPLICATION_CREDENTIAL_ID/,
    ],
    [{ ...baseEnv, OS_INTERFACE: "private" }, /must be public, internal or admin/],
    [{ ...baseEnv, OS_INSECURE: "maybe" }, /insecure \(OS_INSECURE\) must be true or false/],
  ])("refuses %j clearly", (env, message) => {
    expect(() =>
      resolveCloudConfig({ stack: {}, env: settingsFromEnv(env as NodeJS.ProcessEnv) }),
    ).toThrow(message);
  });

  test("OS_INTERFACE accepts the old publicURL spelling, OS_INSECURE true", () => {
    const config = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({ ...baseEnv, OS_INTERFACE: "publicURL", OS_INSECURE: "true" }),
    });
    expect([config.interface, config.insecure]).toEqual(["public", true]);
  });
});

describe("clouds.yaml", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "clouds-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("reads the named cloud and merges secure.yaml", () => {
    fs.writeFileSync(
      path.join(dir, "clouds.yaml"),
      "clouds:\n  mine:\n    auth:\n      auth_url: http://k:5000/v3\n      username: alice\n      project_name: demo\n" +
        "      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    interface: public\n" +
        "    cacert: /tmp/ca.pem\n    image_endpoint_override: http://glance:9292/v2\n",
    );
    fs.writeFileSync(
      path.join(dir, "secure.yaml"),
      "clouds:\n  mine:\n    auth:\n      password: from-secure\n",
    );
    expect(settingsFromCloudsYaml("mine", {}, dir)).toEqual({
      authUrl: "http://k:5000/v3",
      username: "alice",
      password: "from-secure",
      projectName: "demo",
      userDomainName: "Default",
      projectDomainName: "Default",
      region: "RegionOne",
      interface: "public",
      cacertFile: "/tmp/ca.pem",
      imageEndpoint: "http://glance:9292/v2",
    });
  });

  test("parsed once per text: read again unchanged it is not parsed again; changed, it is", () => {
    const file = path.join(dir, "clouds.yaml");
    const entry = (user: string) =>
      `clouds:\n  mine:\n    auth:\n      auth_url: http://k:5000/v3\n      username: ${user}\n`;
    fs.writeFileSync(file, entry("alice"));
    const load = yaml.load as jest.Mock;
    load.mockClear();
    expect(settingsFromCloudsYaml("mine", {}, dir).username).toBe("alice");
    expect(settingsFromCloudsYaml("mine", {}, dir).username).toBe("alice");
    expect(load).toHaveBeenCalledTimes(1);
    // Same length, same folder, within the same millisecond: only the text tells.
    fs.writeFileSync(file, entry("bobby"));
    expect(settingsFromCloudsYaml("mine", {}, dir).username).toBe("bobby");
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("a missing cloud names the clouds that exist; a malformed file names itself", () => {
    fs.writeFileSync(path.join(dir, "clouds.yaml"), "clouds:\n  a: {}\n  b: {}\n");
    expect(() => settingsFromCloudsYaml("c", {}, dir)).toThrow(
      `cloud "c" (OS_CLOUD or openstack:cloud) is not defined in ${dir}/clouds.yaml; it defines "a", "b"`,
    );
    fs.writeFileSync(path.join(dir, "clouds.yaml"), "clouds: [unclosed\n");
    expect(() => settingsFromCloudsYaml("a", {}, dir)).toThrow(
      `${dir}/clouds.yaml is not valid YAML`,
    );
    fs.writeFileSync(path.join(dir, "other.yaml"), "nothing: here\n");
    expect(() =>
      settingsFromCloudsYaml("a", { OS_CLIENT_CONFIG_FILE: path.join(dir, "other.yaml") }, dir),
    ).toThrow('has no "clouds:" mapping');
  });

  test("OS_CLOUD without any clouds.yaml says where it looked", () => {
    expect(() =>
      settingsFromCloudsYaml("x", { OS_CLIENT_CONFIG_FILE: path.join(dir, "none.yaml") }, dir),
    ).toThrow(
      /cloud "x" was asked for \(OS_CLOUD or openstack:cloud\), but no clouds.yaml exists in any of: .*none.yaml/,
    );
  });
});

describe("Keystone v3", () => {
  const fake = onFakeCloud();

  test("identityV3Url normalises the usual spellings and refuses v2.0", () => {
    expect(identityV3Url("https://k:5000")).toBe("https://k:5000/v3");
    expect(identityV3Url("https://k:5000/v3/")).toBe("https://k:5000/v3");
    expect(() => identityV3Url("https://k:5000/v2.0")).toThrow(/needs Keystone v3/);
  });

  test("password by name, password by user id, application credential and token all authenticate", async () => {
    const owner = fake.cloud.project("owner");
    const http = new HttpClient();
    const byName = await issueToken(http, {
      method: "password",
      authUrl: fake.cloud.url,
      username: owner.user.name,
      userDomainName: "Default",
      password: owner.user.password,
      projectName: "owner",
      projectDomainName: "Default",
    });
    expect(byName.projectId).toBe(owner.id);
    expect(byName.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const byId = await issueToken(http, {
      method: "password",
      authUrl: fake.cloud.url,
      userId: owner.user.id,
      password: owner.user.password,
      projectId: owner.id,
    });
    expect(byId.projectId).toBe(owner.id);
    const appCred = await issueToken(http, {
      method: "application_credential",
      authUrl: fake.cloud.url,
      applicationCredentialId: fake.cloud.applicationCredential.id,
      applicationCredentialSecret: fake.cloud.applicationCredential.secret,
    });
    expect(appCred.projectId).toBe(owner.id);
    const byToken = await issueToken(http, {
      method: "token",
      authUrl: fake.cloud.url,
      token: byName.token,
      projectId: owner.id,
    });
    expect(byToken.token).not.toBe(byName.token);
  });

  test("the image endpoint is picked by region and interface, without /v2", () => {
    const catalog = [
      {
        type: "image",
        endpoints: [
          { interface: "public", region_id: "R1", url: "https://glance.r1/v2/" },
          { interface: "internal", region_id: "R1", url: "http://10.0.0.1:9292" },
          { interface: "public", region_id: "R2", url: "https://glance.r2" },
        ],
      },
    ];
    expect(findImageEndpoint(catalog, { region: "R1", interface: "public" })).toBe(
      "https://glance.r1",
    );
    expect(findImageEndpoint(catalog, { region: "R1", interface: "internal" })).toBe(
      "http://10.0.0.1:9292",
    );
    expect(findImageEndpoint(catalog, { region: "R2", interface: "public" })).toBe(
      "https://glance.r2",
    );
    expect(() => findImageEndpoint(catalog, { region: "R3", interface: "public" })).toThrow(
      'The image service has no public endpoint in region "R3"; the catalog offers: public@R1, internal@R1, public@R2',
    );
    expect(() =>
      findImageEndpoint([{ type: "compute", endpoints: [] }], { interface: "public" }),
    ).toThrow(/no "image" service \(it has: compute\)/);
  });

  test("with a named cloud, the catalog's hints name that clouds.yaml entry's keys, not OS_* or openstack:*", () => {
    const catalog = [
      {
        type: "image",
        endpoints: [{ interface: "public", region_id: "R1", url: "https://glance.r1" }],
      },
    ];
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return inCloudsYamlTerms(error, "ops") as Error;
      }
      throw new Error("expected a failure");
    };
    const noRegion = thrown(() =>
      findImageEndpoint(catalog, { region: "R3", interface: "public" }),
    );
    expect(noRegion).toBeInstanceOf(ConfigurationError);
    expect(noRegion.message).toBe(
      'The image service has no public endpoint in region "R3"; the catalog offers: public@R1. ' +
        'Check the region (region_name of cloud "ops" in clouds.yaml, or the resource\'s region) ' +
        'and interface (interface of cloud "ops" in clouds.yaml).',
    );
    const noImage = thrown(() =>
      findImageEndpoint([{ type: "compute", endpoints: [] }], { interface: "public" }),
    );
    expect(noImage.message).toMatch(
      /no "image" service \(it has: compute\)\. Set image_endpoint_override of cloud "ops" in clouds.yaml to the Glance URL/,
    );
    expect(noImage.message).not.toMatch(/OS_|openstack:/);
    // Anything else passes through untouched.
    const other = new Error("OS_REGION_NAME");
    expect(inCloudsYamlTerms(other, "ops")).toBe(other);
  });

  test("a session authenticates once for many concurrent callers and renews near expiry", async () => {
    const owner = fake.cloud.project("owner");
    const config = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({
        OS_AUTH_URL: fake.cloud.url,
        OS_USER_ID: owner.user.id,
        OS_PASSWORD: owner.user.password,
        OS_PROJECT_ID: owner.id,
      }),
    });
    const session = new KeystoneSession(new HttpClient(), config);
    const endpoints = await Promise.all([1, 2, 3, 4, 5].map(() => session.imageService()));
    expect(new Set(endpoints.map((e) => e.endpoint))).toEqual(new Set([fake.cloud.url]));
    expect(fake.cloud.authentications()).toHaveLength(1);

    fake.cloud.tokenLifetimeMs = 60_000; // less than the renewal margin
    const shortLived = new KeystoneSession(new HttpClient(), { ...config, region: "RegionOne" });
    await shortLived.projectId();
    await shortLived.projectId();
    expect(fake.cloud.authentications()).toHaveLength(3);
  });
});
