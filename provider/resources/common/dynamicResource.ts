import * as pulumi from "@pulumi/pulumi";
import { conciseStackTraceUntilRestored } from "./stackTrace";
import { ProviderKind, providerText } from "../../serialization/providerText";

/**
 * The base of this package's dynamic resources. What `pulumi.dynamic.Resource` does (the type
 * `pulumi-nodejs:dynamic/<module>:<type>`, served by the engine's dynamic-provider process, and
 * the provider in the `__provider` property), with a shorter `__provider`: see
 * ../../serialization/providerText.ts. The constructor runs with the concise stack traces of
 * ./stackTrace.ts, so the engine records the program's line and frames, and no
 * promise-debugging stack is formatted (one place for the three resource classes).
 */
export abstract class ConciseDynamicResource extends pulumi.CustomResource {
  constructor(
    kind: ProviderKind,
    standIn: object,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    const restoreStackTraces = conciseStackTraceUntilRestored();
    try {
      super(
        `pulumi-nodejs:dynamic/${module}:${type}`,
        name,
        { ...props, __provider: providerText(kind, standIn) },
        opts,
      );
    } finally {
      restoreStackTraces();
    }
  }
}

/**
 * For a dynamic resource's constructor: the names of `inputs` that are (or hold) a secret
 * output, undefined when none is (the input is then left out of state).
 */
export function secretInputNames(
  inputs: Readonly<Record<string, pulumi.Input<unknown> | undefined>>,
): pulumi.Output<string[] | undefined> {
  const names = Object.keys(inputs);
  const secretness = Promise.all(
    names.map((name) => pulumi.isSecret(pulumi.output(inputs[name] as pulumi.Input<unknown>))),
  );
  return pulumi.output(secretness).apply((secret) => {
    const secretNames = names.filter((_, index) => secret[index]);
    return secretNames.length > 0 ? secretNames : undefined;
  });
}
