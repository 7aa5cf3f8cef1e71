import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { CloudSession, sessionFor } from "../../identity/session";
import { Settings, settingsFromStack } from "../../identity/settings";
import { ServiceConnection } from "../../identity/session";
import { explainCommonFailure, fail } from "./explain";
import { cloudConfigOf, Identity } from "./identity";

/**
 * Reads the `openstack:*` stack config handed to `configure`. Secrets set with
 * `pulumi config set --secret` arrive here decrypted and stay in this process's memory only.
 */
export function stackSettingsOf(request: ConfigureRequest): Settings {
  return settingsFromStack((key) => request.config.get(key));
}

/**
 * The process-wide session of an identity: one authentication per distinct identity, shared
 * by every resource and look-up that uses it.
 */
export function openSession(identity: Identity): CloudSession {
  return sessionFor(cloudConfigOf(identity));
}

/** The image service for a region, or an error explained under `headline`. */
export async function connectToImageService(
  identity: Identity,
  region: string | undefined,
  headline: string,
): Promise<ServiceConnection> {
  try {
    return await openSession(identity).imageService(region);
  } catch (error) {
    throw (
      explainCommonFailure(error, headline) ??
      fail(headline, String((error as Error)?.message ?? error))
    );
  }
}
