/**
 * `pulumi stack export` documents for the audit's tests, in the engine's shape (version 3,
 * `deployment.resources` with urn, type, id, inputs, outputs, parent), with secrets as the
 * engine writes them: `ciphertext` by default, `plaintext` with `--show-secrets`.
 */
const secretKey = "4dabf18193072939515e22adb298388d";
const secretValue = "1b47061264138c4ac30d75fd1eb44270";

/** A secret as `pulumi stack export` writes it (no `--show-secrets`). */
export function cipher(): Record<string, string> {
  return { [secretKey]: secretValue, ciphertext: "v1:c2VjcmV0:AAAAbm90IHJlYWRhYmxl" };
}

/** A secret as `pulumi stack export --show-secrets` writes it. */
export function plain(value: unknown): Record<string, string> {
  return { [secretKey]: secretValue, plaintext: JSON.stringify(value) };
}

export interface ExportedResource {
  type: string;
  name: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Parent type chain for the URN (an ImageShare's children). */
  parentTypes?: string[];
}

export const dynamicType = (kind: string) => `pulumi-nodejs:dynamic/images:${kind}`;
export const pluginType = (kind: string) => `imagemembers:index:${kind}`;
export const imageShareType = "pulumi-image-members:index:ImageShare";

/** The text of a stack export of `project/stack` holding `resources` (and its Stack). */
export function stackExport(stack: string, project: string, resources: ExportedResource[]): string {
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const provider = `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`;
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: "2026-12-07T04:00:00Z", magic: "x", version: "v3.276.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:abc" } },
      resources: [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        ...resources.map((resource) => ({
          urn: `urn:pulumi:${stack}::${project}::${[...(resource.parentTypes ?? []), resource.type].join("$")}::${resource.name}`,
          custom: true,
          id: resource.id ?? resource.name,
          type: resource.type,
          inputs: { __provider: "exports.handler = ...", ...resource.inputs },
          outputs: { __provider: "exports.handler = ...", ...resource.outputs },
          parent: stackUrn,
          provider: `${provider}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
        })),
      ],
    },
  });
}
