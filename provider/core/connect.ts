import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { CloudSession, sessionFor } from "../identity/session";
import { Settings, settingsFromStack } from "../identity/settings";
import { ServiceConnection } from "../transport/serviceConnection";
import { explainCommonFailure, fail } from "./explain";
import { cloudConfigOf, Identity, inCloudsYamlTerms } from "./cloudIdentity";

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

/** What a hook works with: Glance, reached as one identity, and the project it acts for. */
export interface Connection {
  readonly glance: ServiceConnection;
  readonly identity: Identity;
  /** The process's session for that identity (its errors are not caught). */
  readonly session: CloudSession;
  /** The project the credentials act for; undefined when it cannot be known (never throws). */
  projectId(): Promise<string | undefined>;
}

/** Glance for a region as `identity`, or an error explained under `headline`. */
export async function connect(
  identity: Identity,
  region: string | undefined,
  headline: string,
): Promise<Connection> {
  let session: CloudSession;
  let glance: ServiceConnection;
  try {
    session = openSession(identity);
    glance = await session.imageService(region);
  } catch (caught) {
    // A named cloud's region and endpoint come from its clouds.yaml entry alone: say so.
    const error = identity.cloud === undefined ? caught : inCloudsYamlTerms(caught, identity.cloud);
    throw (
      explainCommonFailure(error, headline) ??
      fail(headline, String((error as Error)?.message ?? error))
    );
  }
  return {
    glance,
    identity,
    session,
    projectId: () => session.projectId().catch(() => undefined),
  };
}
