import * as pulumi from "@pulumi/pulumi";
import { Settings, settingsFromStack, stackConfigNamespace } from "../identity/settings";
import { explainCommonFailure, fail, ProviderError } from "../core/explain";
import { checkCloud, Identity } from "../core/cloudIdentity";
import { connect, Connection } from "../core/connect";

/**
 * The `openstack:*` stack config of the running Pulumi program (nothing outside one). Look-ups
 * run in the program's process, where a dynamic provider's `configure` never runs, so they
 * read the config themselves; the sources then merge exactly as the provider's do.
 */
export function programStackSettings(): Settings {
  const config = new pulumi.Config(stackConfigNamespace);
  return settingsFromStack((fullKey) => config.get(fullKey.slice(stackConfigNamespace.length + 1)));
}

/**
 * Glance for a look-up, through the process-wide session of its identity (one authentication
 * shared by every look-up and every resource of that identity in this process), or an error
 * explained under `headline`, exactly as the resources connect.
 */
export async function connectForLookup(
  where: { region?: string | undefined; cloud?: string | undefined },
  headline: string,
): Promise<Connection> {
  const invalid = checkCloud(where.cloud);
  if (invalid) {
    throw fail(headline, invalid.reason);
  }
  const identity: Identity = { stack: programStackSettings(), cloud: where.cloud ?? undefined };
  return connect(identity, where.region ?? undefined, headline);
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
