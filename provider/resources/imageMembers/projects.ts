/**
 * What the hooks of an `ImageMembers` read from its project list, derived once per hook from
 * its inputs (`declaredProjects`, ../../core/projectsForm.ts), and the labels that travel with
 * the projects into state (so that `read` can give back inputs in the same shape the program
 * uses, and a refresh shows no false drift).
 */
import {
  DeclaredProject,
  DeclaredProjects,
  declaredProjects,
  listedProjects,
} from "../../core/projectsForm";
import { unknownValue } from "../../core/validation";
import { checkMemberIds } from "./checkProjects";
import { ImageMembersInputs, ImageMembersMember, ProjectsByLabel } from "./types";
import type { Grant } from "../../core/allowedProjects";
import { secretInputsOf } from "../common/secretInputs";

/**
 * The inputs `check` stores: the list form becomes `projects` with each id its own label, so
 * every later diff compares maps key by key. A list holding values not known yet stays as it
 * is until they are known.
 */
export function normaliseInputs(
  news: ImageMembersInputs,
  declared: DeclaredProjects,
): ImageMembersInputs {
  if (
    declared.form !== "memberIds" ||
    !("listed" in declared) ||
    declared.listed.some((project) => project.memberId === unknownValue)
  ) {
    return news;
  }
  const upgraded: ImageMembersInputs = { ...news, projects: projectsMapOf(declared.listed) };
  delete upgraded.memberIds;
  return upgraded;
}

/**
 * Project id to label, or `undefined` while some of them are not known yet (a preview of a
 * program whose ids come from resources not created yet). Inputs `check` refuses (both forms,
 * or null, or neither a map nor a list) want no project at all: nothing is shared from an
 * ambiguous list.
 */
export function wantedProjects(declared: DeclaredProjects): Map<string, string> | undefined {
  if ("opaque" in declared) return undefined;
  if (!("listed" in declared)) return new Map();
  const pairs = declared.listed.map(({ memberId, label }) => [memberId, label ?? memberId]);
  if (pairs.some(([id, label]) => id === unknownValue || label === unknownValue)) {
    return undefined;
  }
  return new Map(pairs as [string, string][]);
}

/** A member as state keeps it: with its label only when the label says more than the id. */
export function labelled(
  member: ImageMembersMember,
  label: string | undefined,
): ImageMembersMember {
  const kept: ImageMembersMember = { ...member };
  delete kept.name;
  return label !== undefined && label !== member.memberId ? { ...kept, name: label } : kept;
}

/** The `projects` input that describes what state holds (for `read`). */
export function projectsOf(members: ImageMembersMember[]): ProjectsByLabel {
  return Object.fromEntries(members.map((m) => [m.name ?? m.memberId, m.memberId]));
}

/** Whether state's labels are the ones the program gives now (a rename is a change to show). */
export function sameLabels(members: ImageMembersMember[], wanted: Map<string, string>): boolean {
  return members.every((m) => (m.name ?? m.memberId) === (wanted.get(m.memberId) ?? m.memberId));
}

/**
 * The `projects` map of a `memberIds` list, each id its own label, as check would store it;
 * a list check would refuse (a duplicate, an id that is no project id) fails here with the
 * very reasons check gives, since a map cannot carry a duplicate on to check.
 */
export function listAsProjects(name: string, ids: unknown): Record<string, string> {
  const failures = checkMemberIds(ids);
  if (failures.length > 0) {
    throw new Error(
      `ImageMembers ${name}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  }
  return projectsMapOf(listedProjects(declaredProjects({ memberIds: ids })));
}

/**
 * Each project id under its label and under its own id: the keys `accept` may name. The
 * program reads the list it was given as the review does, in either shape (`check` refuses
 * the wrong one later, with its reason).
 */
export function projectIdsByKey(given: {
  projects?: unknown;
  memberIds?: unknown;
}): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const { label, memberId } of listedProjects(declaredProjects(given, { anyShape: true }))) {
    if (label !== undefined) byKey.set(label, String(memberId));
    byKey.set(String(memberId), String(memberId));
  }
  return byKey;
}

/**
 * The one place a project list becomes a `projects` map: each project under its label, a
 * `memberIds` entry under its own id. Used by `check` and, for a list holding outputs, by the
 * program (./resource.ts), so both make the same map.
 */
function projectsMapOf(listed: readonly DeclaredProject[]): ProjectsByLabel {
  return Object.fromEntries(
    listed.map(({ label, memberId }) => [label ?? String(memberId), memberId as string]),
  );
}

/**
 * The grants of the projects a list declares, for `checkGrants`: secret when the program gave
 * the projects as a secret, so a refusal names each by its place.
 */
export function grantsOf(inputs: ImageMembersInputs, listed: readonly DeclaredProject[]): Grant[] {
  const secret = secretProjects(inputs);
  return listed.map(({ property, memberId }) => ({ property, memberId, secret }));
}

/**
 * Whether the program gave the projects as a secret (the map, the list, or an entry of
 * either): a refusal then names each by its place, never by its id.
 */
function secretProjects(inputs: ImageMembersInputs): boolean {
  const secret = secretInputsOf(inputs);
  return secret.has("projects") || secret.has("memberIds");
}

/**
 * The grants of `ids`, projects of `labels` (id to label, the projects in force in their
 * order), for `enforceGrants`: each with its label and its place, secret or not.
 */
export function grantsAmong(
  inputs: ImageMembersInputs,
  labels: ReadonlyMap<string, string>,
  ids: readonly string[],
): Grant[] {
  const secret = secretProjects(inputs);
  const positions = new Map([...labels.keys()].map((id, position) => [id, position]));
  return ids.map((id) => ({
    property: `projects.${labels.get(id) ?? id}`,
    memberId: id,
    secret,
    ...(positions.has(id) ? { position: positions.get(id)! } : {}),
  }));
}
