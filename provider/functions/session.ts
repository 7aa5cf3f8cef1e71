import * as pulumi from "@pulumi/pulumi";
import { CloudSession, ServiceConnection } from "../identity/session";
import { Settings, settingsFromStack, stackConfigNamespace } from "../identity/settings";
import { explainCommonFailure, fail, ProviderError } from "../resources/common/explain";
import { checkCloud, Identity } from "../resources/common/identity";
import { connectToImageService, openSession } from "../resources/common/session";

/**
 * The `openstack:*` stack config of the running Pulumi program (nothing outside one). Look-ups
 * run in the program's process, where a dynamic provider's `configure` never runs, so they
 * read the config themselves; the sources then merge exactly as the provider's do.
 */
export function programStackSettings(): Settings {
  const config = new pulumi.Config(stackConfigNamespace);
  return settingsFromStack((fullKey) => config.get(fullKey.slice(stackConfigNamespace.length + 1)));
}

/** A look-up's way to Glance, with the session it came from (for the project id). */
export interface LookupConnection {
  session: CloudSession;
  glance: ServiceConnection;
}

/**
 * The process-wide session (one authentication shared by every look-up and every resource
 * of the same configuration in this process) and Glance for `region`, or an error explained
 * under `headline`, exactly as the resources connect.
 */
export async function connectForLookup(
  where: { region?: string | undefined; cloud?: string | undefined },
  headline: string,
): Promise<LookupConnection> {
  const invalid = checkCloud(where.cloud);
  if (invalid) {
    throw fail(headline, invalid.reason);
  }
  const identity: Identity = { stack: programStackSettings(), cloud: where.cloud ?? undefined };
  const glance = await connectToImageService(identity, where.region, headline);
  // The same cached session the connection came from: no second authentication.
  return { session: openSession(identity), glance };
}

/** Configuration, authentication and transport failures, or the error's own words. */
export function explainLookupFailure(error: unknown, headline: string): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  return (
    explainCommonFailure(error, headline) ??
    fail(headline, String((error as Error)?.message ?? error))
  );
}
