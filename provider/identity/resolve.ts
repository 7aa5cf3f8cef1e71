import { AkSkOptions, AuthMethod, AuthOptions, CloudConfig } from "./cloudConfig";
import { ConfigurationError } from "./configurationError";
import { cloudsYamlFile, settingsFromCloudsYaml } from "./cloudsYaml";
import { Settings } from "./settings";

/** The configuration sources, highest precedence first. */
export interface SettingsSources {
  /** `openstack:*` keys of the Pulumi stack config. */
  stack: Settings;
  /** `OS_*` environment variables. */
  env: Settings;
  /** Loads a named cloud from clouds.yaml (+ secure.yaml). */
  loadCloud?: (name: string) => Settings;
  /** What chose the clouds.yaml entry, for messages; by default OS_CLOUD or openstack:cloud. */
  cloudChosenBy?: string;
}

const credentialFields: (keyof Settings)[] = [
  "password",
  "applicationCredentialSecret",
  "token",
  "secretKey",
];

/**
 * Merges the sources field by field: stack config over `OS_*` variables over clouds.yaml.
 * The authentication method is taken from the highest source that carries a credential, so
 * a stray `OS_TOKEN` in the shell does not hijack a password set in the stack config.
 */
export function resolveCloudConfig(
  sources: SettingsSources,
  env: NodeJS.ProcessEnv = process.env,
): CloudConfig {
  const cloudName = sources.stack.cloud ?? sources.env.cloud;
  const fromCloud = cloudName
    ? (sources.loadCloud ?? ((name: string) => settingsFromCloudsYaml(name, env)))(cloudName)
    : {};
  const layers = [sources.stack, sources.env, fromCloud];
  const merged: Settings = Object.assign({}, fromCloud, sources.env, sources.stack);

  const credentialLayer = layers.find((layer) =>
    credentialFields.some((f) => layer[f] !== undefined),
  );
  const credentialSource = describeSources(sources, layers, credentialLayer, cloudName, env);
  const common = {
    credentialSource,
    region: merged.region,
    interface: parseInterface(merged.interface),
    imageEndpoint: merged.imageEndpoint,
    cacertFile: merged.cacertFile,
    insecure: parseBoolean(merged.insecure, "insecure (OS_INSECURE)"),
  };
  if (credentialLayer?.secretKey !== undefined) {
    return { ...common, aksk: buildAkSk(merged, credentialLayer.imsCloud ?? merged.imsCloud) };
  }
  const method = chooseMethod(credentialLayer ?? {}, merged.authType);
  return { ...common, auth: buildAuth(method, merged) };
}

/**
 * Where the credentials came from, in words a person can find them by: the source of the
 * credential itself first, then any other source that gave settings.
 */
function describeSources(
  sources: SettingsSources,
  layers: Settings[],
  credentialLayer: Settings | undefined,
  cloudName: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const chosenBy =
    sources.cloudChosenBy ?? (sources.stack.cloud !== undefined ? "openstack:cloud" : "OS_CLOUD");
  const file = cloudName === undefined ? undefined : cloudsYamlFile(env);
  const names = [
    "the stack config (openstack:*)",
    "the OS_* environment variables",
    `clouds.yaml entry "${cloudName}"${file ? ` of ${file}` : ""} (chosen by ${chosenBy})`,
  ];
  const given = layers.flatMap((layer, i) =>
    Object.keys(layer).some((key) => key !== "cloud") ? [i] : [],
  );
  const first = credentialLayer === undefined ? undefined : layers.indexOf(credentialLayer);
  if (first === undefined) {
    return given.length === 0 ? "no source" : given.map((i) => names[i]).join(" and ");
  }
  const others = given.filter((i) => i !== first).map((i) => names[i]);
  return names[first] + (others.length > 0 ? `, other settings from ${others.join(" and ")}` : "");
}

function buildAkSk(s: Settings, imsCloud: string | undefined): AkSkOptions {
  if (!s.accessKey || !s.secretKey) {
    throw new ConfigurationError(
      "AK/SK authentication needs both keys: HW_ACCESS_KEY and HW_SECRET_KEY (Huawei Cloud), " +
        "OS_ACCESS_KEY and OS_SECRET_KEY (Open Telekom Cloud), or openstack:accessKey and openstack:secretKey.",
    );
  }
  const cloud = (imsCloud ?? "huaweicloud").toLowerCase();
  if (cloud !== "huaweicloud" && cloud !== "otc") {
    throw new ConfigurationError(
      `openstack:imsCloud must be "huaweicloud" or "otc", not "${imsCloud}".`,
    );
  }
  if (!s.region && !s.imageEndpoint) {
    throw new ConfigurationError(
      "AK/SK authentication needs a region to find the IMS endpoint: HW_REGION_NAME / OS_REGION_NAME / " +
        "openstack:region (or set openstack:imageEndpoint).",
    );
  }
  return {
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    securityToken: s.securityToken,
    projectId: s.projectId,
    imsCloud: cloud,
  };
}

function chooseMethod(layer: Settings, authType: string | undefined): AuthMethod {
  const type = (authType ?? "").toLowerCase();
  if (type.includes("applicationcredential") || type.includes("application_credential")) {
    return "application_credential";
  }
  if (type.includes("token")) {
    return "token";
  }
  if (type.includes("password")) {
    return "password";
  }
  if (layer.token !== undefined) {
    return "token";
  }
  if (layer.applicationCredentialSecret !== undefined) {
    return "application_credential";
  }
  return "password";
}

const missingHint =
  "Set it in the stack config (pulumi config set [--secret] openstack:<key>), the OS_* " +
  "environment variables, or a clouds.yaml cloud selected with OS_CLOUD.";

function buildAuth(method: AuthMethod, s: Settings): AuthOptions {
  if (!s.authUrl) {
    throw new ConfigurationError(
      `No Keystone URL: openstack:authUrl / OS_AUTH_URL is not set. ${missingHint}`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(s.authUrl);
  } catch {
    throw new ConfigurationError(
      `The Keystone URL "${s.authUrl}" (OS_AUTH_URL) is not a valid URL.`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigurationError(
      `The Keystone URL "${s.authUrl}" (OS_AUTH_URL) must start with http:// or https://.`,
    );
  }
  const base: AuthOptions = { method, authUrl: s.authUrl };
  switch (method) {
    case "token":
      requireFields(s, ["token"], "token authentication needs openstack:token / OS_TOKEN");
      return { ...base, token: s.token, ...projectScope(s) };
    case "application_credential":
      requireFields(
        s,
        ["applicationCredentialSecret"],
        "application credential authentication needs the secret (OS_APPLICATION_CREDENTIAL_SECRET)",
      );
      if (
        !s.applicationCredentialId &&
        !(s.applicationCredentialName && (s.userId || s.username))
      ) {
        throw new ConfigurationError(
          "Application credential authentication needs OS_APPLICATION_CREDENTIAL_ID, or " +
            "OS_APPLICATION_CREDENTIAL_NAME together with the user (OS_USER_ID or OS_USERNAME). " +
            missingHint,
        );
      }
      return {
        ...base,
        applicationCredentialId: s.applicationCredentialId,
        applicationCredentialName: s.applicationCredentialName,
        applicationCredentialSecret: s.applicationCredentialSecret,
        userId: s.userId,
        username: s.username,
        userDomainId: s.userDomainId,
        userDomainName: s.userDomainName ?? (s.userDomainId ? undefined : "Default"),
      };
    case "password":
      if (!s.userId && !s.username) {
        throw new ConfigurationError(
          `Password authentication needs a user: OS_USERNAME or OS_USER_ID. ${missingHint}`,
        );
      }
      requireFields(
        s,
        ["password"],
        "password authentication needs openstack:password / OS_PASSWORD",
      );
      return {
        ...base,
        userId: s.userId,
        username: s.username,
        password: s.password,
        userDomainId: s.userDomainId,
        userDomainName:
          s.userId || s.userDomainId ? s.userDomainName : (s.userDomainName ?? "Default"),
        ...projectScope(s),
      };
  }
}

function projectScope(s: Settings): Partial<AuthOptions> {
  if (s.projectId) {
    return { projectId: s.projectId };
  }
  if (s.projectName) {
    return {
      projectName: s.projectName,
      projectDomainId: s.projectDomainId,
      projectDomainName: s.projectDomainId
        ? s.projectDomainName
        : (s.projectDomainName ?? "Default"),
    };
  }
  return {};
}

function requireFields(s: Settings, fields: (keyof Settings)[], what: string): void {
  for (const field of fields) {
    if (!s[field]) {
      throw new ConfigurationError(`Missing credential: ${what}. ${missingHint}`);
    }
  }
}

function parseInterface(value: string | undefined): CloudConfig["interface"] {
  const normalized = (value ?? "public").toLowerCase().replace(/url$/, "");
  if (normalized === "public" || normalized === "internal" || normalized === "admin") {
    return normalized;
  }
  throw new ConfigurationError(
    `Endpoint interface "${value}" (OS_INTERFACE / openstack:endpointType) must be public, internal or admin.`,
  );
}

function parseBoolean(value: string | undefined, name: string): boolean {
  if (value === undefined || value === "") {
    return false;
  }
  if (/^(true|1|yes|on)$/i.test(value)) {
    return true;
  }
  if (/^(false|0|no|off)$/i.test(value)) {
    return false;
  }
  throw new ConfigurationError(`${name} must be true or false, not "${value}".`);
}
