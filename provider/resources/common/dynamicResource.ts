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
