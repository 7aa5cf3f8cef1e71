import * as pulumi from "@pulumi/pulumi";
import { conciseStackTraceUntilRestored } from "./stackTrace";

/**
 * The base of this package's dynamic resources: the SDK's constructor runs with the concise
 * stack traces of ./stackTrace.ts, so the engine records the program's line and frames, and no
 * promise-debugging stack is formatted (one place for the three resource classes).
 */
export abstract class ConciseDynamicResource extends pulumi.dynamic.Resource {
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    const restoreStackTraces = conciseStackTraceUntilRestored();
    try {
      super(provider, name, props, opts, module, type);
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
