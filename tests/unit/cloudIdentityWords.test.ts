/**
 * What a user reads about a resource's `cloud` input and the stack's credentials, word for
 * word: `check`'s verdict on the input, an incomplete clouds.yaml entry, the catalog's hints in
 * clouds.yaml's terms, and where the stack's credentials were looked for. (The input driving
 * real hooks on the fake cloud: tests/unit/identities.test.ts.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  checkCloud,
  cloudConfigOf,
  inCloudsYamlTerms,
  missingStackCredentials,
  withCloud,
} from "../../provider/core/cloudIdentity";
import { ConfigurationError } from "../../provider/identity/configurationError";
import { unknownValue } from "../../provider/core/validation";

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-cloud-words-"));
  fs.writeFileSync(
    path.join(dir, "clouds.yaml"),
    "clouds:\n" +
      "  mine:\n    auth:\n      auth_url: http://k:5000/v3\n      username: alice\n" +
      "      password: secret\n      project_name: demo\n" +
      "  bare:\n    region_name: RegionOne\n",
  );
  process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, "clouds.yaml");
  process.env.OS_CLIENT_SECURE_FILE = path.join(dir, "secure.yaml");
});

afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the cloud input at check", () => {
  test("not set, null or not known yet: nothing to judge", () => {
    for (const value of [undefined, null, unknownValue]) {
      expect(checkCloud(value)).toBeUndefined();
    }
  });

  test("a blank or non-string value is refused under its property, quoted", () => {
    expect(checkCloud("  ")).toEqual({
      property: "cloud",
      reason: 'cloud must be the name of a cloud in clouds.yaml, like "ops"; got "  "',
    });
    expect(checkCloud(42, "identity")).toEqual({
      property: "identity",
      reason: 'identity must be the name of a cloud in clouds.yaml, like "ops"; got 42',
    });
  });

  test("a complete entry passes; an incomplete one says what is missing and to complete that entry", () => {
    expect(checkCloud("mine")).toBeUndefined();
    const incomplete =
      'cloud "bare" (clouds.yaml): No Keystone URL: openstack:authUrl / OS_AUTH_URL is not set. ' +
      "Complete that entry in clouds.yaml (or secure.yaml).";
    expect(checkCloud("bare")).toEqual({ property: "cloud", reason: incomplete });
    expect(() => cloudConfigOf({ stack: undefined, cloud: "bare" })).toThrow(
      new ConfigurationError(incomplete),
    );
  });
});

describe("the catalog's hints in clouds.yaml's terms", () => {
  test("each hint names the entry's own key", () => {
    const said = inCloudsYamlTerms(
      new ConfigurationError(
        "No image endpoint in region (OS_REGION_NAME or the resource's region) for (OS_INTERFACE). " +
          "Set openstack:imageEndpoint (or OS_IMAGE_ENDPOINT_OVERRIDE).",
      ),
      "ops",
    );
    expect(said).toBeInstanceOf(ConfigurationError);
    expect((said as Error).message).toBe(
      'No image endpoint in region (region_name of cloud "ops" in clouds.yaml, or the resource\'s ' +
        'region) for (interface of cloud "ops" in clouds.yaml). Set image_endpoint_override of ' +
        'cloud "ops" in clouds.yaml.',
    );
  });

  test("an error without those hints, or not a configuration error, is returned as it is", () => {
    const plain = new ConfigurationError("Keystone said no");
    expect(inCloudsYamlTerms(plain, "ops")).toBe(plain);
    const other = new Error("(OS_INTERFACE)");
    expect(inCloudsYamlTerms(other, "ops")).toBe(other);
    expect(inCloudsYamlTerms("a thrown string", "ops")).toBe("a thrown string");
  });

  test("a headline names the cloud only when there is one", () => {
    expect(withCloud(undefined)).toBe("");
    expect(withCloud("ops")).toBe(' with cloud "ops" (clouds.yaml)');
  });
});

describe("the stack's credentials, looked for", () => {
  const keys =
    "openstack:cloud, openstack:authUrl, openstack:userId, openstack:userName, openstack:password, " +
    "openstack:token, openstack:applicationCredentialId, openstack:applicationCredentialName, " +
    "openstack:applicationCredentialSecret, openstack:accessKey, openstack:secretKey";
  const advice =
    "Set OS_CLOUD to an entry of clouds.yaml, export the OS_* variables (an openrc file), or set " +
    "openstack:* in the stack config (pulumi config set [--secret] openstack:<key>); or name a " +
    "clouds.yaml entry in the resource's cloud input";

  test("nothing anywhere: the places, in full, and what to do", () => {
    const empty = fs.mkdtempSync(path.join(dir, "empty-"));
    const env = { HOME: empty, OS_CLIENT_CONFIG_FILE: path.join(empty, "none.yaml") };
    const said = missingStackCredentials(undefined, env, empty)!;
    expect(
      said.startsWith(
        `no credentials were found for the stack. Looked at: the stack config (none of ${keys} is set), the environment (none of OS_CLOUD, OS_AUTH_URL,`,
      ),
    ).toBe(true);
    expect(said).toMatch(/, and clouds\.yaml \(none in [^)]*none\.yaml, [^)]*\)\. /);
    expect(said.endsWith(advice)).toBe(true);
  });

  test("a clouds.yaml defining no cloud says so", () => {
    const file = path.join(dir, "empty.yaml");
    fs.writeFileSync(file, "clouds: {}\n");
    const said = missingStackCredentials({}, { HOME: dir, OS_CLIENT_CONFIG_FILE: file }, dir);
    expect(said).toContain(
      `and clouds.yaml (${file} defines no cloud, but neither OS_CLOUD nor openstack:cloud names one). `,
    );
  });
});
