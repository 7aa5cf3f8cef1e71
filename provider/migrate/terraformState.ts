/**
 * Reads what Terraform and OpenTofu leave behind: a state file (`terraform.tfstate`, format
 * version 4, written by Terraform 0.12 and later and by every OpenTofu) or the output of
 * `tofu show -json` / `terraform show -json` (format 1.x). Both become one flat list of
 * managed resource instances with their Terraform addresses. No I/O, nothing from Pulumi.
 */

/** Input that is not a state this command can read; the message is one line. */
export class TerraformInputError extends Error {}

/** One managed resource instance of the state. */
export interface TerraformInstance {
  /** Its address, as `tofu state rm` takes it: `module.m.openstack_images_image_access_v2.x[0]`. */
  address: string;
  type: string;
  /** The resource's name in the configuration (`x` above). */
  name: string;
  /** `module.m` (or `module.m["k"].module.n`) when declared in a module. */
  module?: string;
  /** `count` index or `for_each` key. */
  indexKey?: string | number;
  /**
   * The alias of the provider configuration that manages it (`provider "openstack" { alias =
   * "consumer" }`); undefined for the default configuration, and always for `show -json`
   * input, which does not record it.
   */
  providerAlias?: string;
  attributes: Record<string, unknown>;
}

/** A state, read. */
export interface TerraformState {
  /** `state`: a state file; `show-json`: the output of `tofu show -json`. */
  format: "state" | "show-json";
  /** The Terraform or OpenTofu version that wrote it, when recorded. */
  toolVersion?: string;
  instances: TerraformInstance[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses the text of a state file or of `tofu show -json`; throws {@link TerraformInputError}. */
export function readTerraformState(text: string): TerraformState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // A configuration (.tf) given by mistake is the likely case; the parser's words vary
    // between Node.js versions and would not help.
    throw new TerraformInputError(
      `not a Terraform or OpenTofu state: it is not JSON; give terraform.tfstate or the output of "tofu show -json"`,
    );
  }
  if (!isObject(document)) {
    throw new TerraformInputError(
      `not a Terraform or OpenTofu state: the JSON is not an object; give terraform.tfstate or the output of "tofu show -json"`,
    );
  }
  if ("encrypted_data" in document) {
    throw new TerraformInputError(
      `the state is encrypted (OpenTofu state encryption): give the output of "tofu show -json" instead, which OpenTofu decrypts`,
    );
  }
  if ("planned_values" in document || "resource_changes" in document) {
    throw new TerraformInputError(
      `this is a plan, not a state: run "tofu show -json" without a plan file, or give terraform.tfstate`,
    );
  }
  if ("format_version" in document) return readShowJson(document);
  if ("version" in document && ("resources" in document || "modules" in document)) {
    return readStateFile(document);
  }
  throw new TerraformInputError(
    `not a Terraform or OpenTofu state: neither "version" and "resources" (terraform.tfstate) nor "format_version" ("tofu show -json") is there`,
  );
}

function readStateFile(document: Json): TerraformState {
  if (document.version !== 4) {
    const older =
      typeof document.version === "number" && document.version < 4
        ? ` (written by Terraform before 0.12; any newer Terraform or OpenTofu upgrades it on its next apply)`
        : "";
    throw new TerraformInputError(
      `state format version ${JSON.stringify(document.version)} is not supported, only version 4${older}`,
    );
  }
  if (!Array.isArray(document.resources)) {
    throw new TerraformInputError(`not a Terraform or OpenTofu state: "resources" is not a list`);
  }
  const instances: TerraformInstance[] = [];
  for (const resource of document.resources) {
    if (!isObject(resource) || resource.mode !== "managed") continue;
    const type = String(resource.type);
    const name = String(resource.name);
    const module = typeof resource.module === "string" ? resource.module : undefined;
    const providerAlias = aliasOf(resource.provider);
    for (const instance of Array.isArray(resource.instances) ? resource.instances : []) {
      // A deposed instance is an old object awaiting deletion: Terraform still owns that job.
      if (!isObject(instance) || instance.deposed !== undefined) continue;
      const indexKey = indexKeyOf(instance.index_key);
      instances.push({
        address: addressOf(module, type, name, indexKey),
        type,
        name,
        ...(module !== undefined ? { module } : {}),
        ...(indexKey !== undefined ? { indexKey } : {}),
        ...(providerAlias !== undefined ? { providerAlias } : {}),
        attributes: isObject(instance.attributes) ? instance.attributes : {},
      });
    }
  }
  return {
    format: "state",
    ...(typeof document.terraform_version === "string"
      ? { toolVersion: document.terraform_version }
      : {}),
    instances,
  };
}

function readShowJson(document: Json): TerraformState {
  const version = String(document.format_version);
  if (!/^1\./.test(version)) {
    throw new TerraformInputError(
      `"tofu show -json" format ${JSON.stringify(document.format_version)} is not supported, only 1.x`,
    );
  }
  const instances: TerraformInstance[] = [];
  const values = isObject(document.values) ? document.values : {};
  const walk = (module: unknown) => {
    if (!isObject(module)) return;
    const moduleAddress = typeof module.address === "string" ? module.address : undefined;
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (!isObject(resource) || resource.mode !== "managed") continue;
      const type = String(resource.type);
      const name = String(resource.name);
      const indexKey = indexKeyOf(resource.index);
      instances.push({
        address:
          typeof resource.address === "string"
            ? resource.address
            : addressOf(moduleAddress, type, name, indexKey),
        type,
        name,
        ...(moduleAddress !== undefined ? { module: moduleAddress } : {}),
        ...(indexKey !== undefined ? { indexKey } : {}),
        attributes: isObject(resource.values) ? resource.values : {},
      });
    }
    for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) {
      walk(child);
    }
  };
  walk(values.root_module);
  return {
    format: "show-json",
    ...(typeof document.terraform_version === "string"
      ? { toolVersion: document.terraform_version }
      : {}),
    instances,
  };
}

function indexKeyOf(value: unknown): string | number | undefined {
  return typeof value === "number" || typeof value === "string" ? value : undefined;
}

/** `provider["registry.opentofu.org/x/openstack"].consumer` => `consumer`. */
function aliasOf(provider: unknown): string | undefined {
  if (typeof provider !== "string") return undefined;
  return /\]\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(provider)?.[1];
}

/** The address Terraform prints for an instance (a string key quoted as HCL quotes it). */
function addressOf(
  module: string | undefined,
  type: string,
  name: string,
  indexKey: string | number | undefined,
): string {
  const index =
    indexKey === undefined
      ? ""
      : typeof indexKey === "number"
        ? `[${indexKey}]`
        : `[${JSON.stringify(indexKey)}]`;
  return `${module ? `${module}.` : ""}${type}.${name}${index}`;
}
