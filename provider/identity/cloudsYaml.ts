import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigurationError } from "./configurationError";
import { Settings } from "./settings";

/** The usual search path of OpenStack clients, first file found wins. */
function candidates(
  fileName: string,
  envOverride: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): string[] {
  return [
    envOverride,
    path.join(cwd, fileName),
    // "~" as OpenStack's clients expand it: HOME when set.
    path.join(env.HOME || os.homedir(), ".config", "openstack", fileName),
    path.join("/etc", "openstack", fileName),
  ].filter((p): p is string => !!p);
}

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => fs.existsSync(p));
}

/** The clouds.yaml OpenStack clients would read (`OS_CLIENT_CONFIG_FILE` first), if any. */
export function cloudsYamlFile(
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): string | undefined {
  return firstExisting(candidates("clouds.yaml", env.OS_CLIENT_CONFIG_FILE, cwd, env));
}

/** Every place clouds.yaml is looked for, in order. */
export function cloudsYamlCandidates(
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): string[] {
  return candidates("clouds.yaml", env.OS_CLIENT_CONFIG_FILE, cwd, env);
}

/** The names of the clouds a clouds.yaml defines; none when it cannot be read. */
export function cloudNamesIn(file: string): string[] {
  try {
    return Object.keys(readClouds(file));
  } catch {
    return [];
  }
}

type CloudEntry = Record<string, unknown> & { auth?: Record<string, unknown> };

/**
 * The last text read of each file and what it parsed to. Every hook of every resource
 * resolves its identity again (so a changed file or environment counts at once), and
 * parsing the YAML is the costly part of that; the file is still read each time.
 */
const parsedByFile = new Map<string, { text: string; parsed: unknown }>();

function parseOnce(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  const known = parsedByFile.get(file);
  if (known?.text === text) return known.parsed;
  const parsed = yaml.load(text);
  parsedByFile.set(file, { text, parsed });
  return parsed;
}

function readClouds(file: string): Record<string, CloudEntry> {
  let parsed: unknown;
  try {
    parsed = structuredClone(parseOnce(file));
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new ConfigurationError(`${file} is not valid YAML: ${reason}`);
  }
  const clouds = (parsed as { clouds?: unknown } | null)?.clouds;
  if (!clouds || typeof clouds !== "object") {
    throw new ConfigurationError(`${file} has no "clouds:" mapping at its top level`);
  }
  return clouds as Record<string, CloudEntry>;
}

function deepMerge(base: CloudEntry, extra: CloudEntry | undefined): CloudEntry {
  if (!extra) {
    return base;
  }
  return { ...base, ...extra, auth: { ...base.auth, ...extra.auth } };
}

/**
 * Settings of the cloud named `cloudName` in `clouds.yaml`, with `secure.yaml` merged in
 * (where people keep the passwords apart from the rest).
 */
export function settingsFromCloudsYaml(
  cloudName: string,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
  askedBy = "OS_CLOUD or openstack:cloud",
): Settings {
  const searched = candidates("clouds.yaml", env.OS_CLIENT_CONFIG_FILE, cwd, env);
  const file = firstExisting(searched);
  if (!file) {
    throw new ConfigurationError(
      `cloud "${cloudName}" was asked for (${askedBy}), but no clouds.yaml ` +
        `exists in any of: ${searched.join(", ")}. Create one there (or point OS_CLIENT_CONFIG_FILE at it).`,
    );
  }
  const clouds = readClouds(file);
  const entry = clouds[cloudName];
  if (!entry) {
    const known = Object.keys(clouds);
    throw new ConfigurationError(
      `cloud "${cloudName}" (${askedBy}) is not defined in ${file}; it defines ` +
        (known.length ? known.map((k) => `"${k}"`).join(", ") : "no cloud at all") +
        `. Add it to that file, or name one of those.`,
    );
  }
  const secureFile = firstExisting(candidates("secure.yaml", env.OS_CLIENT_SECURE_FILE, cwd, env));
  const merged = deepMerge(entry, secureFile ? readClouds(secureFile)[cloudName] : undefined);
  return toSettings(merged);
}

function toSettings(entry: CloudEntry): Settings {
  const auth = entry.auth ?? {};
  const str = (value: unknown): string | undefined =>
    value === undefined || value === null || value === "" ? undefined : String(value);
  const settings: Settings = {
    authUrl: str(auth.auth_url),
    authType: str(entry.auth_type),
    userId: str(auth.user_id),
    username: str(auth.username),
    password: str(auth.password),
    userDomainId: str(auth.user_domain_id ?? auth.domain_id),
    userDomainName: str(auth.user_domain_name ?? auth.domain_name),
    projectId: str(auth.project_id ?? auth.tenant_id),
    projectName: str(auth.project_name ?? auth.tenant_name),
    projectDomainId: str(auth.project_domain_id ?? auth.domain_id),
    projectDomainName: str(auth.project_domain_name ?? auth.domain_name),
    applicationCredentialId: str(auth.application_credential_id),
    applicationCredentialName: str(auth.application_credential_name),
    applicationCredentialSecret: str(auth.application_credential_secret),
    token: str(auth.token),
    region: str(entry.region_name),
    interface: str(entry.interface ?? entry.endpoint_type),
    imageEndpoint: str(entry.image_endpoint_override),
    cacertFile: str(entry.cacert),
    insecure: entry.verify === false ? "true" : undefined,
  };
  for (const key of Object.keys(settings) as (keyof Settings)[]) {
    if (settings[key] === undefined) {
      delete settings[key];
    }
  }
  return settings;
}
