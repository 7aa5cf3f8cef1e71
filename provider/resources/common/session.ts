import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { resolveCloudConfig } from "../../identity/resolve";
import { KeystoneSession, sessionFor } from "../../identity/session";
import { Settings, settingsFromEnv, settingsFromStack } from "../../identity/settings";

/**
 * Reads the `openstack:*` stack config handed to `configure`. Secrets set with
 * `pulumi config set --secret` arrive here decrypted and stay in this process's memory only.
 */
export function stackSettingsOf(request: ConfigureRequest): Settings {
  return settingsFromStack((key) => request.config.get(key));
}

/** The process-wide session for the stack config (if any) merged with `OS_*` and clouds.yaml. */
export function openSession(stackSettings: Settings | undefined): KeystoneSession {
  return sessionFor(
    resolveCloudConfig({ stack: stackSettings ?? {}, env: settingsFromEnv(process.env) }),
  );
}
