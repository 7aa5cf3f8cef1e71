/**
 * The provider plugin `imagemembers`: the three resources of the dynamic provider, served to
 * the engine as a real plugin by `@pulumi/pulumi/provider`'s `main`. Every hook is the runtime
 * implementation the dynamic resources load (../serialization/runtime.ts), called with the
 * same plain values: one implementation, so the same requests, the same sessions (one
 * authentication per identity per process), the same `check` failures and the same state.
 *
 * What the plugin path cannot have, because the Node provider server does not pass it on:
 * the provider's config (its `Configure` ignores it, so the `openstack:*` stack config never
 * arrives; credentials come from `OS_*`, clouds.yaml, or a resource's `cloud` input), and a
 * per-property `detailedDiff` (its `Diff` forwards `changes`, `replaces` and
 * `deleteBeforeReplace` only). The `imagemembers:*` project rules do arrive, through the
 * environment the engine starts the plugin with (./config.ts, applied in ./main.ts).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as provider from "@pulumi/pulumi/provider";
import * as runtime from "../serialization/runtime";
import { packageName, PluginResourceName, pluginResources } from "./typeTokens";
import { revealed, revealedNamingSecrets, withoutSecretNames, withSecretsOf } from "./secrets";
import { forResource } from "../core/warnings";

type Props = Record<string, unknown>;

/** The resource type of a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** The runtime provider serving a URN's type, and the type's name; an error naming the served types otherwise. */
function implementationFor(urn: string): {
  provider: dynamic.ResourceProvider;
  name: PluginResourceName;
} {
  const type = typeOfUrn(urn);
  const [pkg, module, name] = type.split(":");
  if (pkg === packageName && module === "index" && name && Object.hasOwn(pluginResources, name)) {
    const resource = name as PluginResourceName;
    return {
      provider: runtime[pluginResources[resource]] as dynamic.ResourceProvider,
      name: resource,
    };
  }
  const served = Object.keys(pluginResources).map((n) => `${packageName}:index:${n}`);
  throw new Error(`unknown resource type ${type}; this plugin serves ${served.join(", ")}`);
}

/**
 * A hook that changed something and failed carries the properties to keep in state
 * (../resources/common/partialFailure.ts); the server stores them as they are, so they get
 * the secretness of the inputs too.
 */
async function keepingSecrets<T>(hook: () => Promise<T>, ins: Props, name: string): Promise<T> {
  try {
    return await hook();
  } catch (error) {
    const kept = (error as { properties?: unknown } | undefined)?.properties;
    if (kept !== undefined) {
      (error as { properties: unknown }).properties = withSecretsOf(kept, ins, name);
    }
    throw error;
  }
}

/** The plugin as `@pulumi/pulumi/provider`'s `main` serves it. */
export class ImageMembersPlugin implements provider.Provider {
  constructor(
    /** The package version, reported to the engine (`GetPluginInfo`). */
    readonly version: string,
    /** The JSON schema of the package (`GetSchema`), see scripts/plugin-schema.ts. */
    readonly schema: string,
  ) {}

  async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const { provider, name } = implementationFor(urn);
    // Warnings of the check (an id not shaped like a project id) are shown under this resource.
    const result = await forResource(urn, () =>
      provider.check!(revealed(olds), revealedNamingSecrets(news)),
    );
    return {
      inputs: withSecretsOf(withoutSecretNames(result.inputs ?? revealed(news)), news, name),
      failures: [...(result.failures ?? [])],
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    return implementationFor(urn).provider.diff!(id, revealed(olds), revealed(news));
  }

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const { provider, name } = implementationFor(urn);
    const result = await keepingSecrets(
      () => provider.create(revealedNamingSecrets(inputs)),
      inputs,
      name,
    );
    return { id: result.id, outs: withSecretsOf(result.outs, inputs, name) };
  }

  async read(id: string, urn: string, props: Props = {}): Promise<provider.ReadResult> {
    const { provider, name } = implementationFor(urn);
    const result = await provider.read!(id, revealed(props));
    if (result.id === undefined) return {}; // gone: refresh drops it
    return {
      id: result.id,
      props: withSecretsOf(result.props, props, name),
      ...(result.inputs !== undefined ? { inputs: withSecretsOf(result.inputs, props, name) } : {}),
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const { provider, name } = implementationFor(urn);
    const result = await keepingSecrets(
      () => provider.update!(id, revealed(olds), revealedNamingSecrets(news)),
      news,
      name,
    );
    return { outs: withSecretsOf(result.outs, news, name) };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    await implementationFor(urn).provider.delete!(id, revealed(props));
  }
}
