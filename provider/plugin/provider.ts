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
import { packageName, PluginResourceName, pluginResources } from "./resources";
import { revealed, withSecretsOf } from "./secrets";

type Props = Record<string, unknown>;

/** The resource type of a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** The runtime provider serving a URN's type; an error naming the served types otherwise. */
function implementationFor(urn: string): dynamic.ResourceProvider {
  const type = typeOfUrn(urn);
  const [pkg, module, name] = type.split(":");
  if (pkg === packageName && module === "index" && name && Object.hasOwn(pluginResources, name)) {
    return runtime[pluginResources[name as PluginResourceName]] as dynamic.ResourceProvider;
  }
  const served = Object.keys(pluginResources).map((n) => `${packageName}:index:${n}`);
  throw new Error(`unknown resource type ${type}; this plugin serves ${served.join(", ")}`);
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
    const result = await implementationFor(urn).check!(revealed(olds), revealed(news));
    return {
      inputs: withSecretsOf(result.inputs ?? revealed(news), news),
      failures: [...(result.failures ?? [])],
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    return implementationFor(urn).diff!(id, revealed(olds), revealed(news));
  }

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const result = await implementationFor(urn).create(revealed(inputs));
    return { id: result.id, outs: withSecretsOf(result.outs, inputs) };
  }

  async read(id: string, urn: string, props: Props = {}): Promise<provider.ReadResult> {
    const result = await implementationFor(urn).read!(id, revealed(props));
    if (result.id === undefined) return {}; // gone: refresh drops it
    return {
      id: result.id,
      props: withSecretsOf(result.props, props),
      ...(result.inputs !== undefined ? { inputs: withSecretsOf(result.inputs, props) } : {}),
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const result = await implementationFor(urn).update!(id, revealed(olds), revealed(news));
    return { outs: withSecretsOf(result.outs, news) };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    await implementationFor(urn).delete!(id, revealed(props));
  }
}
