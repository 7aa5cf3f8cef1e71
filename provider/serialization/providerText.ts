import * as pulumi from "@pulumi/pulumi";
import type * as runtime from "./runtime";

/** A resource kind of the dynamic provider: the runtime implementation its stand-in loads. */
export type ProviderKind = keyof typeof runtime;

/** The package name the stand-ins are required by (package.json's `exports`). */
const packageName = "pulumi-image-members";

/**
 * The `__provider` value of a dynamic resource: the module text the engine's dynamic-provider
 * process loads (`require-from-string`) and calls `handler()` of to get the provider. The
 * engine keeps it in the resource's inputs and its outputs, so its bytes are paid twice per
 * resource in every checkpoint of every later step.
 *
 * Installed (this file inside a `node_modules` folder, how a user's project has it): one line
 * requiring the stand-in of ./standIn.ts from the project's own `node_modules`, 74 bytes for
 * `ImageMember`. The SDK's `pulumi.dynamic.Resource` would record its closure serialization of
 * the same `require` instead: 283 bytes of wrapper code. Both load the same module
 * (`<package>/serialized/<kind>`, kept exported for state written by earlier versions).
 *
 * Not installed (this repository's own programs, which import the sources by a relative path):
 * the SDK's serialization of the stand-in by value, which finds the repository's build at run
 * time; the same rule as the SDK's, which serializes a module outside `node_modules` by value.
 */
export function providerText(kind: ProviderKind, standIn: object): pulumi.Input<string> {
  let text = texts.get(kind);
  if (text === undefined) {
    text = isInstalled(__filename)
      ? requireText(kind)
      : pulumi.runtime.serializeFunction(() => standIn).then((serialized) => serialized.text);
    texts.set(kind, text);
  }
  return text;
}

/** Each kind's text, made once per program (the by-value one costs a closure serialization). */
const texts = new Map<ProviderKind, string | Promise<string>>();

/** The installed form: `exports.handler` returns the package's stand-in for `kind`. */
export function requireText(kind: ProviderKind): string {
  return `exports.handler=()=>require("${packageName}/serialized/${kind}")`;
}

/** Whether a file of this package lies in a `node_modules` folder (its real path). */
export function isInstalled(file: string): boolean {
  return file.split(/[\\/]/).includes("node_modules");
}
