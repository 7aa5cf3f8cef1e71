/**
 * The wanted projects of an `ImageMembers`, whichever form the program gave them in, and the
 * labels that travel with them into state (so that `read` can give back inputs in the same
 * shape the program uses, and a refresh shows no false drift).
 */
import { projectsInForce } from "../common/projectsForm";
import { unknownValue } from "../common/validation";
import { checkMemberIds } from "./validation";
import { ImageMembersInputs, ImageMembersMember, ProjectsByLabel } from "./types";
import type { Grant } from "../common/allowedProjects";
import { secretInputsOf } from "../common/secretInputs";

/**
 * The inputs `check` stores: the list form becomes `projects` with each id its own label, so
 * every later diff compares maps key by key. A list holding values not known yet stays as it
 * is until they are known.
 */
export function normaliseInputs(news: ImageMembersInputs): ImageMembersInputs {
  const inForce = projectsInForce(news);
  const ids = inForce.form === "memberIds" ? inForce.value : undefined;
  if (!Array.isArray(ids) || ids.includes(unknownValue)) {
    return news;
  }
  const upgraded: ImageMembersInputs = {
    ...news,
    projects: eachItsOwnLabel(ids),
  };
  delete upgraded.memberIds;
  return upgraded;
}

/**
 * Project id to label, or `undefined` while some of them are not known yet (a preview of a
 * program whose ids come from resources not created yet). Inputs `check` refuses (both forms,
 * or null) want no project at all: nothing is shared from an ambiguous list.
 */
export function wantedProjects(inputs: ImageMembersInputs): Map<string, string> | undefined {
  const inForce = projectsInForce(inputs);
  if (inForce.form !== "projects" && inForce.form !== "memberIds") {
    return new Map();
  }
  const given = inForce.value;
  if (given === unknownValue) {
    return undefined;
  }
  const pairs: [string, string][] =
    inForce.form === "projects"
      ? isMap(given)
        ? Object.entries(given as ProjectsByLabel).map(([label, id]) => [id, label])
        : []
      : Array.isArray(given)
        ? given.map((id: string) => [id, id])
        : [];
  if (pairs.some(([id, label]) => id === unknownValue || label === unknownValue)) {
    return undefined;
  }
  return new Map(pairs);
}

function isMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
  return eachItsOwnLabel(ids as string[]);
}

function eachItsOwnLabel(ids: string[]): ProjectsByLabel {
  return Object.fromEntries(ids.map((id) => [id, id]));
}

/**
 * Each project the inputs grant access to, under the property `check` names it by: from the
 * form in force (projectsForm.ts), so the allowed-projects rule reads exactly the list the
 * provider acts on. A refused or missing form grants nothing (check refuses it anyway).
 */
export function grantedProjects(inputs: ImageMembersInputs): Grant[] {
  const inForce = projectsInForce(inputs);
  const secret = secretProjects(inputs);
  if (inForce.form === "projects") {
    const projects = inForce.value;
    if (projects === null || typeof projects !== "object" || Array.isArray(projects)) return [];
    return Object.entries(projects).map(([label, id]) => ({
      property: `projects.${label}`,
      memberId: id,
      secret,
    }));
  }
  if (inForce.form === "memberIds" && Array.isArray(inForce.value)) {
    return inForce.value.map((id, index) => ({
      property: `memberIds[${index}]`,
      memberId: id,
      secret,
    }));
  }
  return [];
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
