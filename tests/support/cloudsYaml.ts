/**
 * clouds.yaml + secure.yaml for the identities of the cloud under test (PIM_CLOUD_JSON or the
 * local cloud's cloud.json), written into a test's own folder: a suite that selects its
 * credentials with OS_CLOUD must authenticate against that cloud, never read the local
 * cloud's `.local-cloud/clouds.yaml`.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CloudFile } from "./realCloud";

/** Writes both files into `dir`; returns the OS_* variables selecting identity `name`. */
export function writeCloudsYaml(
  cloud: CloudFile,
  dir: string,
): (name: string) => Record<string, string> {
  const names = Object.keys(cloud.identities);
  const clouds = Object.fromEntries(
    names.map((name) => {
      const i = cloud.identities[name];
      const auth = {
        auth_url: i.authUrl,
        username: i.username,
        project_name: i.projectName,
        project_id: i.projectId,
        user_domain_name: i.userDomainName,
        project_domain_name: i.projectDomainName,
      };
      return [`pim-${name}`, { auth_type: "password", auth, region_name: i.region }];
    }),
  );
  const secure = Object.fromEntries(
    names.map((name) => [`pim-${name}`, { auth: { password: cloud.identities[name].password } }]),
  );
  const cloudsFile = path.join(dir, "clouds.yaml");
  const secureFile = path.join(dir, "secure.yaml");
  fs.writeFileSync(cloudsFile, yaml.dump({ clouds }));
  fs.writeFileSync(secureFile, yaml.dump({ clouds: secure }), { mode: 0o600 });
  return (name) => {
    if (!cloud.identities[name]) throw new Error(`the cloud file has no identity "${name}"`);
    return {
      OS_CLOUD: `pim-${name}`,
      OS_CLIENT_CONFIG_FILE: cloudsFile,
      OS_CLIENT_SECURE_FILE: secureFile,
    };
  };
}

/** An extra clouds.yaml entry made from one of the cloud file's identities. */
export interface CloudEntryLike {
  /** The `pim-<identity>` entry whose settings (and password) it copies. */
  like: string;
  /** Replaces the copied password in secure.yaml; `null` leaves the entry without one. */
  password?: string | null;
  /** Top-level keys of the entry to set, like `region_name` or `image_endpoint_override`. */
  settings?: Record<string, unknown>;
}

type CloudsDocument = { clouds: Record<string, Record<string, unknown>> };

function readDocument(file: string): CloudsDocument {
  return yaml.load(fs.readFileSync(file, "utf8")) as CloudsDocument;
}

/**
 * Adds entries to the clouds.yaml + secure.yaml that {@link writeCloudsYaml} wrote into
 * `dir` (aliases, a wrong password, another region, an endpoint override).
 */
export function addCloudEntries(dir: string, entries: Record<string, CloudEntryLike>): void {
  const cloudsFile = path.join(dir, "clouds.yaml");
  const secureFile = path.join(dir, "secure.yaml");
  const clouds = readDocument(cloudsFile);
  const secure = readDocument(secureFile);
  for (const [name, entry] of Object.entries(entries)) {
    const base = clouds.clouds[entry.like];
    if (!base) throw new Error(`${cloudsFile} has no entry "${entry.like}" to copy`);
    clouds.clouds[name] = { ...structuredClone(base), ...entry.settings };
    if (entry.password === null) continue;
    const password =
      entry.password ?? (secure.clouds[entry.like] as { auth: { password: string } }).auth.password;
    secure.clouds[name] = { auth: { password } };
  }
  fs.writeFileSync(cloudsFile, yaml.dump(clouds));
  fs.writeFileSync(secureFile, yaml.dump(secure), { mode: 0o600 });
}

/** Sets the password of entry `name` in the secure.yaml of `dir`. */
export function setSecurePassword(dir: string, name: string, password: string): void {
  const secureFile = path.join(dir, "secure.yaml");
  const secure = readDocument(secureFile);
  secure.clouds[name] = { auth: { password } };
  fs.writeFileSync(secureFile, yaml.dump(secure), { mode: 0o600 });
}

/**
 * Points OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE at the files in `dir` (as a resource's
 * `cloud` input finds them); returns what puts the environment back as it was.
 */
export function useCloudsYaml(dir: string): () => void {
  const saved = {
    OS_CLIENT_CONFIG_FILE: process.env.OS_CLIENT_CONFIG_FILE,
    OS_CLIENT_SECURE_FILE: process.env.OS_CLIENT_SECURE_FILE,
  };
  process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, "clouds.yaml");
  process.env.OS_CLIENT_SECURE_FILE = path.join(dir, "secure.yaml");
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The same identities authenticating at `keystoneUrl` (a counting proxy) instead. */
export function throughKeystone(cloud: CloudFile, keystoneUrl: string): CloudFile {
  const identities = Object.fromEntries(
    Object.entries(cloud.identities).map(([name, identity]) => [
      name,
      { ...identity, authUrl: identity.authUrl.replace(cloud.keystoneUrl, keystoneUrl) },
    ]),
  );
  return { ...cloud, identities } as CloudFile;
}
