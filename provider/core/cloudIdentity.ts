import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { CloudConfig } from "../identity/cloudConfig";
import {
  cloudNamesIn,
  cloudsYamlCandidates,
  cloudsYamlFile,
  settingsFromCloudsYaml,
} from "../identity/cloudsYaml";
import { ConfigurationError } from "../identity/configurationError";
import { resolveCloudConfig } from "../identity/resolve";
import {
  SettingName,
  Settings,
  settingsFromEnv,
  settingSources,
  stackConfigNamespace,
} from "../identity/settings";
import { unknownValue } from "./validation";

/**
 * Whose credentials a hook acts with: the stack's (`openstack:*` config, then `OS_*`, then
 * the clouds.yaml entry `OS_CLOUD` names), or, when a resource sets its `cloud` input, that
 * one clouds.yaml entry (secure.yaml merged) and nothing else, so a stray `OS_PASSWORD` of
 * the stack never mixes into another project's identity. State keeps only the name.
 */
export interface Identity {
  /** The stack config handed to `configure` (undefined outside a provider process). */
  stack: Settings | undefined;
  /** The clouds.yaml entry a resource names in its `cloud` input. */
  cloud?: string;
}

/** The connection settings an identity resolves to (reads clouds.yaml, sends nothing). */
export function cloudConfigOf(identity: Identity): CloudConfig {
  if (identity.cloud === undefined) {
    return resolveCloudConfig({ stack: identity.stack ?? {}, env: settingsFromEnv(process.env) });
  }
  try {
    return resolveCloudConfig({
      stack: { cloud: identity.cloud },
      env: {},
      cloudChosenBy: "the resource's cloud input",
      loadCloud: (name) =>
        settingsFromCloudsYaml(name, process.env, process.cwd(), "the cloud input"),
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError) || error.message.startsWith(`cloud "`)) {
      throw error; // not ours, or already naming the cloud and what to do
    }
    // The resolver's hints name OS_* and openstack:* keys; here only clouds.yaml counts.
    throw new ConfigurationError(
      `${describeIdentity(identity)}: ${error.message.replace(/ Set it in the stack config.*$/, "")} ` +
        `Complete that entry in clouds.yaml (or secure.yaml).`,
    );
  }
}

/** "cloud "ops" (clouds.yaml)" or "the stack's credentials", for messages. */
export function describeIdentity(identity: Identity): string {
  return identity.cloud === undefined
    ? "the stack's credentials"
    : `cloud "${identity.cloud}" (clouds.yaml)`;
}

/**
 * `check`'s verdict on a `cloud` input: a non-empty name of a clouds.yaml entry complete
 * enough to authenticate with, so `pulumi preview` stops before any request.
 */
export function checkCloud(value: unknown, property = "cloud"): CheckFailure | undefined {
  if (value === undefined || value === null || value === unknownValue) {
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "") {
    return {
      property,
      reason: `${property} must be the name of a cloud in clouds.yaml, like "ops"; got ${JSON.stringify(value)}`,
    };
  }
  try {
    cloudConfigOf({ stack: undefined, cloud: value });
    return undefined;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return { property, reason: error.message };
    }
    throw error;
  }
}

/**
 * A catalog error met with a named cloud, its hints in clouds.yaml's words: the region,
 * interface and endpoint override then come from that entry alone, so pointing at
 * OS_REGION_NAME or openstack:imageEndpoint would send the user where nothing can help.
 */
export function inCloudsYamlTerms(error: unknown, cloud: string): unknown {
  if (!(error instanceof ConfigurationError)) return error;
  const entry = `cloud "${cloud}" in clouds.yaml`;
  const message = error.message
    .replace(
      "(OS_REGION_NAME or the resource's region)",
      `(region_name of ${entry}, or the resource's region)`,
    )
    .replace("(OS_INTERFACE)", `(interface of ${entry})`)
    .replace(
      "Set openstack:imageEndpoint (or OS_IMAGE_ENDPOINT_OVERRIDE)",
      `Set image_endpoint_override of ${entry}`,
    );
  return message === error.message ? error : new ConfigurationError(message);
}

/** `` with cloud "ops" (clouds.yaml)`` for a headline when a cloud is named, else nothing. */
export function withCloud(cloud: string | undefined): string {
  return cloud === undefined ? "" : ` with ${describeIdentity({ stack: undefined, cloud })}`;
}

/** The settings that make a source of credentials (a region alone does not). */
const credentialSettings: SettingName[] = [
  "cloud",
  "authUrl",
  "userId",
  "username",
  "password",
  "token",
  "applicationCredentialId",
  "applicationCredentialName",
  "applicationCredentialSecret",
  "accessKey",
  "secretKey",
];

/**
 * When neither the stack config nor the environment holds any credential setting, nor names a
 * clouds.yaml entry: the places looked at, in words; undefined when there is a source (whether
 * its credentials work is for Keystone to say). Reads only the file names of clouds.yaml.
 */
export function missingStackCredentials(
  stack: Settings | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  const fromEnv = settingsFromEnv(env);
  const holds = (settings: Settings) =>
    credentialSettings.some((name) => settings[name] !== undefined);
  if (holds(stack ?? {}) || holds(fromEnv)) return undefined;
  const keys = credentialSettings.flatMap((name) =>
    settingSources[name].stackKeys.slice(0, 1).map((key) => `${stackConfigNamespace}:${key}`),
  );
  const variables = credentialSettings.flatMap((name) => settingSources[name].envVars);
  const file = cloudsYamlFile(env, cwd);
  const clouds = file === undefined ? [] : cloudNamesIn(file);
  const cloudsYaml =
    file === undefined
      ? `clouds.yaml (none in ${cloudsYamlCandidates(env, cwd).join(", ")})`
      : `clouds.yaml (${file} defines ${
          clouds.length > 0 ? clouds.map((name) => `"${name}"`).join(", ") : "no cloud"
        }, but neither OS_CLOUD nor ${stackConfigNamespace}:cloud names one)`;
  return (
    `no credentials were found for the stack. Looked at: the stack config (none of ` +
    `${keys.join(", ")} is set), the environment (none of ${variables.join(", ")} is set), ` +
    `and ${cloudsYaml}. Set OS_CLOUD to an entry of clouds.yaml, export the OS_* variables ` +
    `(an openrc file), or set ${stackConfigNamespace}:* in the stack config (pulumi config set ` +
    `[--secret] ${stackConfigNamespace}:<key>); or name a clouds.yaml entry in the resource's ` +
    `cloud input`
  );
}
