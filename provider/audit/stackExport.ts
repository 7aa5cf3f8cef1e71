/**
 * Which image grants the stacks declare, read from `pulumi stack export` documents: every
 * `ImageMember` (also an `ImageShare`'s children) and `ImageMembers` of the dynamic provider
 * and of the plugin, recognised by the type tokens the access review knows. Plain data only:
 * nothing from `@pulumi/pulumi`, no request.
 */
import { declaredProjects, listedProjects } from "../core/projectsForm";
import { resourceKinds, resourceRefOf } from "../review/resources";
import { parseUrn } from "../review/urn";
import { isObject, JsonObject } from "../review/values";

/** A stack export the audit cannot read: the command prints the message and exits 2. */
export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
}

/** A resource of a stack that declares grants. */
export interface Declarer {
  /** `project/stack`, from the stack's URNs (the origin when the export has no resources). */
  stack: string;
  kind: "ImageMember" | "ImageMembers";
  /** The name the program gave it. */
  name: string;
  /** An `ImageShare` child's share. */
  shareName?: string;
}

/** What the stacks read so far declare. */
export interface Declarations {
  /** The stacks read, with where each came from (a file, or `--stack NAME`). */
  stacks: { name: string; origin: string; resources: number }[];
  /** Image id → member project id → the resources declaring that grant. */
  grants: Map<string, Map<string, Declarer[]>>;
  /** Image id → resources whose project list on it cannot be read (secret in the export). */
  opaque: Map<string, Declarer[]>;
  /** Resources whose image cannot be read: any grant could be theirs. */
  unreadable: Declarer[];
  /** Image id → `ImageMembers` with `exclusive: true` on it (they remove undeclared grants). */
  exclusive: Map<string, Declarer[]>;
}

export function emptyDeclarations(): Declarations {
  return { stacks: [], grants: new Map(), opaque: new Map(), unreadable: [], exclusive: new Map() };
}

/** The signature key the engine puts on a serialized secret. */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";

/** A secret whose value the export does not show (exported without `--show-secrets`). */
const hidden = Symbol("hidden secret");

/** A value with its secrets opened where the export shows them (`plaintext`), else `hidden`. */
function reveal(value: unknown): unknown {
  if (isObject(value) && secretSignatureKey in value) {
    if (typeof value.plaintext !== "string") return hidden;
    try {
      return reveal(JSON.parse(value.plaintext));
    } catch {
      return hidden;
    }
  }
  if (Array.isArray(value)) return value.map(reveal);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, reveal(inner)]));
  }
  return value;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function declare(into: Declarations, imageId: string, memberId: string, by: Declarer): void {
  let members = into.grants.get(imageId);
  if (!members) into.grants.set(imageId, (members = new Map()));
  // Once per resource, though its inputs and its members output may both name the project.
  if (!members.get(memberId)?.includes(by)) addTo(members, memberId, by);
}

/** `<image>/<member>` (an `ImageMember`'s id, plain in state even when its inputs are secret). */
function idParts(id: unknown): [string | undefined, string | undefined] {
  const value = text(id);
  const slash = value?.indexOf("/") ?? -1;
  return value && slash > 0 ? [value.slice(0, slash), value.slice(slash + 1)] : [value, undefined];
}

interface ExportedResource {
  urn: string;
  type: string;
  id?: unknown;
  inputs: JsonObject;
  outputs: JsonObject;
}

function readImageMember(resource: ExportedResource, by: Declarer, into: Declarations): void {
  const [idImage, idMember] = idParts(resource.id);
  const imageId =
    text(reveal(resource.inputs.imageId)) ?? text(reveal(resource.outputs.imageId)) ?? idImage;
  const memberId =
    text(reveal(resource.inputs.memberId)) ?? text(reveal(resource.outputs.memberId)) ?? idMember;
  if (imageId === undefined) into.unreadable.push(by);
  else if (memberId === undefined) addTo(into.opaque, imageId, by);
  else declare(into, imageId, memberId, by);
}

/** The project ids an `ImageMembers`' inputs declare; `hidden` among them when some are secret. */
function declaredIds(inputs: JsonObject): (string | typeof hidden)[] {
  const declared = declaredProjects(
    { projects: reveal(inputs.projects), memberIds: reveal(inputs.memberIds) },
    { opacityOf: (value) => (value === hidden ? "secret" : undefined), anyShape: true },
  );
  if ("opaque" in declared) return [hidden];
  return listedProjects(declared)
    .map(({ memberId }) => (memberId === hidden ? hidden : text(memberId)))
    .filter((entry): entry is string | typeof hidden => entry !== undefined);
}

function readImageMembers(resource: ExportedResource, by: Declarer, into: Declarations): void {
  const imageId =
    text(reveal(resource.inputs.imageId)) ??
    text(reveal(resource.outputs.imageId)) ??
    text(resource.id);
  if (imageId === undefined) {
    into.unreadable.push(by);
    return;
  }
  if (reveal(resource.inputs.exclusive) === true) addTo(into.exclusive, imageId, by);
  const ids = declaredIds(resource.inputs);
  for (const id of ids) if (id !== hidden) declare(into, imageId, id, by);
  if (!ids.includes(hidden)) return;
  // Some inputs are secret: the members output (plain in the dynamic provider's state) names
  // every member the resource holds; when it is secret too, this image's grants cannot be told.
  const members = reveal(resource.outputs.members);
  if (!Array.isArray(members) || members.some((member) => !isObject(member))) {
    addTo(into.opaque, imageId, by);
    return;
  }
  for (const member of members as JsonObject[]) {
    const memberId = text(member.memberId);
    if (memberId === undefined) {
      addTo(into.opaque, imageId, by);
      return;
    }
    declare(into, imageId, memberId, by);
  }
}

/** `project/stack` from a URN (`urn:pulumi:<stack>::<project>::...`). */
function stackOfUrn(urn: string): string | undefined {
  const parts = urn.startsWith("urn:pulumi:") ? urn.slice("urn:pulumi:".length).split("::") : [];
  return parts.length >= 4 ? `${parts[1]}/${parts[0]}` : undefined;
}

const expected = "Expected the output of `pulumi stack export`.";

function parseExport(text: string, origin: string): unknown[] {
  if (text.trim() === "") throw new AuditInputError(`${origin} is empty. ${expected}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AuditInputError(
      `${origin} is not valid JSON (${(error as Error).message}). ${expected}`,
    );
  }
  if (!isObject(document)) throw new AuditInputError(`${origin} is not a JSON object. ${expected}`);
  if ("steps" in document || "changeSummary" in document) {
    throw new AuditInputError(
      `${origin} is a preview (\`pulumi preview --json\`), not a stack export. ${expected}`,
    );
  }
  if (!isObject(document.deployment) || typeof document.version !== "number") {
    throw new AuditInputError(
      `${origin} has no "version" and "deployment": it is not a stack export. ${expected}`,
    );
  }
  const resources = document.deployment.resources;
  if (resources === undefined || resources === null) return []; // a stack never updated
  if (!Array.isArray(resources)) {
    throw new AuditInputError(`${origin}: "deployment.resources" is not a list. ${expected}`);
  }
  return resources;
}

/**
 * Adds what one stack export declares to `into`. `origin` names it in messages (a file name,
 * or `stack NAME`); `fallbackName` names the stack when its export has no resources.
 */
export function readStackExport(
  text: string,
  origin: string,
  fallbackName: string,
  into: Declarations,
): void {
  const resources = parseExport(text, origin);
  let stack: string | undefined;
  let counted = 0;
  for (const [index, raw] of resources.entries()) {
    if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.type !== "string") {
      throw new AuditInputError(
        `${origin}: resource ${index + 1} has no "urn" and "type". ${expected}`,
      );
    }
    stack ??= stackOfUrn(raw.urn);
    const kind = resourceKinds[raw.type];
    const urn = parseUrn(raw.urn);
    if ((kind !== "ImageMember" && kind !== "ImageMembers") || !urn) continue;
    counted += 1;
    const ref = resourceRefOf(kind, urn);
    const by: Declarer = {
      stack: stackOfUrn(raw.urn) ?? fallbackName,
      kind,
      name: ref.name,
      ...(ref.shareName === undefined ? {} : { shareName: ref.shareName }),
    };
    const resource: ExportedResource = {
      urn: raw.urn,
      type: raw.type,
      id: raw.id,
      inputs: isObject(raw.inputs) ? raw.inputs : {},
      outputs: isObject(raw.outputs) ? raw.outputs : {},
    };
    if (kind === "ImageMember") readImageMember(resource, by, into);
    else readImageMembers(resource, by, into);
  }
  into.stacks.push({ name: stack ?? fallbackName, origin, resources: counted });
}
