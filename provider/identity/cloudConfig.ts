/** Everything needed to reach one OpenStack cloud, after all configuration sources are merged. */
export interface CloudConfig {
  /** Keystone authentication; absent when requests are signed with AK/SK instead. */
  auth?: AuthOptions;
  aksk?: AkSkOptions;
  /** Region used when a resource does not name one. */
  region?: string;
  /** Catalog interface to pick endpoints from. */
  interface: "public" | "internal" | "admin";
  /** Skips the catalog for the image service (a URL with or without a trailing `/v2`). */
  imageEndpoint?: string;
  /** Path of a PEM bundle to trust. */
  cacertFile?: string;
  insecure: boolean;
  /**
   * Where the credentials came from, for messages: the stack config, the `OS_*` variables,
   * or which clouds.yaml entry of which file. Never a secret.
   */
  credentialSource?: string;
}

/** Huawei Cloud / Open Telekom Cloud access keys: every request is signed, no token. */
export interface AkSkOptions {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  projectId?: string;
  imsCloud: "huaweicloud" | "otc";
}

export type AuthMethod = "password" | "application_credential" | "token";

/**
 * Keystone's own fields: who authenticates (a user, an application credential or a token)
 * and the project to scope to. Written here once: the configuration sources give them
 * (identity/settings.ts) and authentication takes them.
 */
export interface KeystoneFields {
  userId?: string;
  username?: string;
  password?: string;
  userDomainId?: string;
  userDomainName?: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  token?: string;
}

export interface AuthOptions extends KeystoneFields {
  method: AuthMethod;
  authUrl: string;
}

/** The secret parts of a configuration, so they can be kept out of every message. */
export function secretsOf(config: CloudConfig): string[] {
  return [
    config.auth?.password,
    config.auth?.applicationCredentialSecret,
    config.auth?.token,
    config.aksk?.secretKey,
    config.aksk?.securityToken,
  ].filter((s): s is string => !!s);
}
