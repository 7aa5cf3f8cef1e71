/**
 * The access each of the package's resources grants, read from one side (old state or new
 * inputs) of a preview step. Project names are what the program gave: an `ImageMember`'s
 * resource name, an `ImageMembers` map label.
 */
import { declaredProjects, listedProjects } from "../core/projectsForm";
import type { ResourceState } from "./preview";
import type { ParsedUrn } from "./urn";
import { isObject, isSecret, isUnknown, knownKey, readShown, Shown } from "./values";

/** The package's resources whose steps change access. */
export type ResourceKind = "ImageMember" | "ImageMembers" | "ImageMemberAcceptance";

/**
 * Type tokens of the package's resources, as they appear in URNs and states: the dynamic
 * resources of TypeScript programs, and the provider plugin's (YAML and other languages),
 * whose inputs and outputs are the same.
 */
export const resourceKinds: Readonly<Record<string, ResourceKind>> = {
  "pulumi-nodejs:dynamic/images:ImageMember": "ImageMember",
  "pulumi-nodejs:dynamic/images:ImageMembers": "ImageMembers",
  "pulumi-nodejs:dynamic/images:ImageMemberAcceptance": "ImageMemberAcceptance",
  "imagemembers:index:ImageMember": "ImageMember",
  "imagemembers:index:ImageMembers": "ImageMembers",
  "imagemembers:index:ImageMemberAcceptance": "ImageMemberAcceptance",
};

/** Type token of the `ImageShare` component, a parent of `ImageMember` children. */
export const imageShareType = "pulumi-image-members:index:ImageShare";

/** The resource a change comes from, as the report names it. */
export interface ResourceRef {
  kind: ResourceKind;
  name: string;
  /** Set for an `ImageMember` made by an `ImageShare`: the share's name. */
  shareName?: string;
}

/** A project as the report shows it: its id and, when the program gave one, a name. */
export interface ProjectView {
  id: Shown;
  name?: string;
}

/** One project's access to one image on one side of a step. */
export interface Grant {
  image: Shown;
  project: ProjectView;
  /** `pending`, `accepted`, `rejected`, `unknown`; absent for what does not exist yet. */
  status: Shown;
  /** Pairs the grant before and after within one resource (a map label; "" for ImageMember). */
  slot: string;
}

/**
 * Why a project list cannot be read: secret, known only after apply, or in a form the
 * provider's `check` refuses (both `projects` and `memberIds`, or null), so that no one can
 * say which projects it would reach.
 */
export type Opacity = "secret" | "unknown" | "refused";

/** The grants of one side, or why they cannot be listed. */
export interface GrantSide {
  image: Shown;
  grants: Grant[];
  opaque?: Opacity;
}

/** Which resource a URN names, with the name the program gave it. */
export function resourceRefOf(kind: ResourceKind, urn: ParsedUrn): ResourceRef {
  if (kind === "ImageMember" && urn.parentTypes.includes(imageShareType)) {
    const memberSuffix = urn.name.lastIndexOf("-");
    if (memberSuffix > 0) {
      return { kind, name: urn.name, shareName: urn.name.slice(0, memberSuffix) };
    }
  }
  return { kind, name: urn.name };
}

/** The grants an `ImageMember` or `ImageMembers` state holds (old) or asks for (new). */
export function grantsOf(ref: ResourceRef, state: ResourceState, side: "old" | "new"): GrantSide {
  return ref.kind === "ImageMembers"
    ? imageMembersGrants(state, side)
    : imageMemberGrants(ref, state);
}

function firstPresent(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined && value !== null);
}

function imageMemberGrants(ref: ResourceRef, state: ResourceState): GrantSide {
  const image = readShown(firstPresent(state.inputs.imageId, state.outputs.imageId));
  const id = readShown(firstPresent(state.inputs.memberId, state.outputs.memberId));
  const memberId = knownKey(id);
  // An ImageShare child is named `<share>-<project id>`: that name says nothing more.
  const named = ref.shareName === undefined && ref.name !== memberId;
  const project: ProjectView = named ? { id, name: ref.name } : { id };
  const grant: Grant = { image, project, status: readShown(state.outputs.status), slot: "" };
  return { image, grants: id.kind === "absent" ? [] : [grant] };
}

/**
 * `ImageMembers` inputs: the new `projects` map (label → id) or the old `memberIds` list,
 * whichever the provider itself reads (the one derivation in ../core/projectsForm.ts).
 */
function declaredGrants(inputs: Record<string, unknown>): {
  entries: { slot: string; id: Shown; label?: string }[];
  opaque?: Opacity;
} {
  const declared = declaredProjects(inputs, {
    opacityOf: (value) => (isSecret(value) ? "secret" : isUnknown(value) ? "unknown" : undefined),
    anyShape: true,
  });
  if (declared.form === "refused") return { entries: [], opaque: "refused" };
  if ("opaque" in declared) return { entries: [], opaque: declared.opaque };
  return {
    entries: listedProjects(declared).map(({ label, memberId }, index) => {
      const id = readShown(memberId);
      return label === undefined
        ? { slot: knownKey(id) ?? `#${index}`, id }
        : { slot: label, id, label: label === knownKey(id) ? undefined : label };
    }),
  };
}

/** The `members` output: what Glance held for the resource, by project id. */
function recordedMembers(outputs: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(outputs.members)) return byId;
  for (const member of outputs.members) {
    const id = isObject(member) ? knownKey(readShown(member.memberId)) : undefined;
    if (id !== undefined && isObject(member)) byId.set(id, member);
  }
  return byId;
}

function imageMembersGrants(state: ResourceState, side: "old" | "new"): GrantSide {
  const image = readShown(firstPresent(state.inputs.imageId, state.outputs.imageId));
  const declared = declaredGrants(state.inputs);
  const recorded = recordedMembers(state.outputs);
  if (side === "old" && Array.isArray(state.outputs.members)) {
    // What the state says exists (a refreshed state may lack a member the inputs still list).
    // Indexed once: a lookup per member keeps this linear in the projects (20,000 is usual).
    const labels = new Map<string, string | undefined>();
    const slots = new Map<string, string>();
    for (const entry of declared.entries) {
      const id = knownKey(entry.id);
      if (id === undefined) continue;
      labels.set(id, entry.label);
      if (!slots.has(id)) slots.set(id, entry.slot);
    }
    const grants = [...recorded].map(([id, member]): Grant => {
      const outputName = typeof member.name === "string" && member.name !== id ? member.name : "";
      const name = labels.get(id) ?? (outputName || undefined);
      return {
        image,
        project:
          name === undefined
            ? { id: { kind: "known", value: id } }
            : { id: { kind: "known", value: id }, name },
        status: readShown(member.status),
        slot: slots.get(id) ?? id,
      };
    });
    return { image, grants };
  }
  const grants = declared.entries.map((entry): Grant => {
    const id = knownKey(entry.id);
    const member = id === undefined ? undefined : recorded.get(id);
    return {
      image,
      project: entry.label === undefined ? { id: entry.id } : { id: entry.id, name: entry.label },
      status: readShown(member?.status),
      slot: entry.slot,
    };
  });
  return { image, grants, opaque: declared.opaque };
}

/** One side of an `ImageMemberAcceptance`: the consumer's status for one image. */
export interface AcceptanceSide {
  image: Shown;
  project: ProjectView;
  status: Shown;
  statusOnDelete: Shown;
}

/** Reads an `ImageMemberAcceptance` state (old: what is set; new: what the program asks). */
export function acceptanceOf(state: ResourceState, side: "old" | "new"): AcceptanceSide {
  const status =
    side === "old"
      ? firstPresent(state.outputs.status, state.inputs.status)
      : firstPresent(state.inputs.status, state.outputs.status);
  return {
    image: readShown(firstPresent(state.inputs.imageId, state.outputs.imageId)),
    project: { id: readShown(firstPresent(state.inputs.memberId, state.outputs.memberId)) },
    status: readShown(status),
    statusOnDelete: readShown(
      firstPresent(state.inputs.statusOnDelete, state.outputs.statusOnDelete),
    ),
  };
}
