import type { KeystoneFields } from "./cloudConfig";

/**
 * One flat bag of connection settings, as each configuration source gives them; the sources
 * are merged field by field (see `resolveCloudConfig`).
 */
export interface Settings extends KeystoneFields {
  cloud?: string;
  authUrl?: string;
  authType?: string;
  region?: string;
  interface?: string;
  imageEndpoint?: string;
  cacertFile?: string;
  insecure?: string;
  /** Huawei Cloud / Open Telekom Cloud AK/SK. */
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
  /** `huaweicloud` or `otc`: which cloud's IMS endpoint to derive from the region. */
  imsCloud?: string;
}

export type SettingName = keyof Settings;

/**
 * Where each setting comes from: the stack config key (namespace `openstack:`, the same names
 * as `@pulumi/openstack` uses, so existing stacks keep their config) and the environment
 * variables, first one set wins.
 */
export const settingSources: Record<SettingName, { stackKeys: string[]; envVars: string[] }> = {
  cloud: { stackKeys: ["cloud"], envVars: ["OS_CLOUD"] },
  authUrl: { stackKeys: ["authUrl"], envVars: ["OS_AUTH_URL"] },
  authType: { stackKeys: ["authType"], envVars: ["OS_AUTH_TYPE"] },
  userId: { stackKeys: ["userId"], envVars: ["OS_USER_ID"] },
  username: { stackKeys: ["userName", "username"], envVars: ["OS_USERNAME"] },
  password: { stackKeys: ["password"], envVars: ["OS_PASSWORD"] },
  userDomainId: { stackKeys: ["userDomainId"], envVars: ["OS_USER_DOMAIN_ID"] },
  userDomainName: { stackKeys: ["userDomainName"], envVars: ["OS_USER_DOMAIN_NAME"] },
  projectId: {
    stackKeys: ["projectId", "tenantId"],
    envVars: ["OS_PROJECT_ID", "OS_TENANT_ID", "HW_PROJECT_ID"],
  },
  projectName: {
    stackKeys: ["projectName", "tenantName"],
    envVars: ["OS_PROJECT_NAME", "OS_TENANT_NAME"],
  },
  projectDomainId: { stackKeys: ["projectDomainId"], envVars: ["OS_PROJECT_DOMAIN_ID"] },
  projectDomainName: { stackKeys: ["projectDomainName"], envVars: ["OS_PROJECT_DOMAIN_NAME"] },
  applicationCredentialId: {
    stackKeys: ["applicationCredentialId"],
    envVars: ["OS_APPLICATION_CREDENTIAL_ID"],
  },
  applicationCredentialName: {
    stackKeys: ["applicationCredentialName"],
    envVars: ["OS_APPLICATION_CREDENTIAL_NAME"],
  },
  applicationCredentialSecret: {
    stackKeys: ["applicationCredentialSecret"],
    envVars: ["OS_APPLICATION_CREDENTIAL_SECRET"],
  },
  token: { stackKeys: ["token"], envVars: ["OS_TOKEN", "OS_AUTH_TOKEN"] },
  region: { stackKeys: ["region"], envVars: ["OS_REGION_NAME", "HW_REGION_NAME"] },
  interface: {
    stackKeys: ["endpointType", "interface"],
    envVars: ["OS_INTERFACE", "OS_ENDPOINT_TYPE"],
  },
  imageEndpoint: { stackKeys: ["imageEndpoint"], envVars: ["OS_IMAGE_ENDPOINT_OVERRIDE"] },
  cacertFile: { stackKeys: ["cacertFile"], envVars: ["OS_CACERT"] },
  insecure: { stackKeys: ["insecure"], envVars: ["OS_INSECURE"] },
  accessKey: { stackKeys: ["accessKey"], envVars: ["HW_ACCESS_KEY", "OS_ACCESS_KEY"] },
  secretKey: { stackKeys: ["secretKey"], envVars: ["HW_SECRET_KEY", "OS_SECRET_KEY"] },
  securityToken: {
    stackKeys: ["securityToken"],
    envVars: ["HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN"],
  },
  imsCloud: { stackKeys: ["imsCloud"], envVars: [] },
};

export const stackConfigNamespace = "openstack";

/** Settings from the Pulumi stack configuration, as handed to the provider's `configure`. */
export function settingsFromStack(get: (key: string) => string | undefined): Settings {
  return collect((names) =>
    firstDefined(names.stackKeys.map((k) => get(`${stackConfigNamespace}:${k}`))),
  );
}

/** Settings from the standard `OS_*` environment variables. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const settings = collect((names) => firstDefined(names.envVars.map((v) => env[v])));
  // The variable names tell the cloud: Huawei's tools use HW_*, Open Telekom Cloud's OS_*.
  if (settings.accessKey !== undefined) {
    settings.imsCloud = env.HW_ACCESS_KEY ? "huaweicloud" : "otc";
  }
  return settings;
}

function collect(
  pick: (names: { stackKeys: string[]; envVars: string[] }) => string | undefined,
): Settings {
  const settings: Settings = {};
  for (const name of Object.keys(settingSources) as SettingName[]) {
    const value = pick(settingSources[name]);
    if (value !== undefined) {
      settings[name] = value;
    }
  }
  return settings;
}

function firstDefined(values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}
