import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { resolveCloudConfig } from "../../identity/resolve";
import { CloudSession, sessionFor } from "../../identity/session";
import { Settings, settingsFromEnv, settingsFromStack } from "../../identity/settings";
import { ServiceConnection } from "../../identity/session";
import { explainCommonFailure, fail } from "./explain";

/**
 * Reads the `openstack:*` stack config handed to `configure`. Secrets set with
 * `pulumi config set --secret` arrive here decrypted and stay in this process's memory only.
 */
export function stackSettingsOf(request: ConfigureRequest): Settings {
  return settingsFromStack((key) => request.config.get(key));
}

/** The process-wide session for the stack config (if any) merged with `OS_*` and clouds.yaml. */
export function openSession(stackSettings: Settings | undefined): CloudSession {
  return sessionFor(
    resolveCloudConfig({ stack: stackSettings ?? {}, env: settingsFromEnv(process.env) }),
  );
}

/** The image service for a region, or an error explained under `headline`. */
export async function connectToImageService(
  stackSettings: Settings | undefined,
  region: string | undefined,
  headline: string,
): Promise<ServiceConnection> {
  try {
    return await openSession(stackSettings).imageService(region);
  } catch (error) {
    throw (
      explainCommonFailure(error, headline) ??
      fail(headline, String((error as Error)?.message ?? error))
    );
  }
}
