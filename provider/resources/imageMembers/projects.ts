/**
 * The wanted projects of an `ImageMembers`, whichever form the program gave them in, and the
 * labels that travel with them into state (so that `read` can give back inputs in the same
 * shape the program uses, and a refresh shows no false drift).
 */
import { unknownValue } from "../common/validation";
import { ImageMembersInputs, ImageMembersMember, ProjectsByLabel } from "./types";

/**
 * The inputs `check` stores: the list form becomes `projects` with each id its own label, so
 * every later diff compares maps key by key. A list holding values not known yet stays as it
 * is until they are known.
 */
export function normaliseInputs(news: ImageMembersInputs): ImageMembersInputs {
  const ids = news.memberIds;
  if (news.projects !== undefined || !Array.isArray(ids) || ids.includes(unknownValue)) {
    return news;
  }
  const upgraded: ImageMembersInputs = {
    ...news,
    projects: Object.fromEntries(ids.map((id) => [id, id])),
  };
  delete upgraded.memberIds;
  return upgraded;
}

/**
 * Project id to label, or `undefined` while some of them are not known yet (a preview of a
 * program whose ids come from resources not created yet).
 */
export function wantedProjects(inputs: ImageMembersInputs): Map<string, string> | undefined {
  const projects = inputs.projects as unknown;
  if (projects === unknownValue || (inputs.memberIds as unknown) === unknownValue) {
    return undefined;
  }
  const pairs: [string, string][] =
    projects !== undefined && projects !== null && typeof projects === "object"
      ? Object.entries(projects as ProjectsByLabel).map(([label, id]) => [id, label])
      : (inputs.memberIds ?? []).map((id) => [id, id]);
  if (pairs.some(([id, label]) => id === unknownValue || label === unknownValue)) {
    return undefined;
  }
  return new Map(pairs);
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

/** Each project the inputs grant access to, under the property `check` names it by. */
export function grantedProjects(
  inputs: ImageMembersInputs,
): { property: string; memberId: unknown }[] {
  const projects = inputs.projects as unknown;
  if (projects !== null && typeof projects === "object" && !Array.isArray(projects)) {
    return Object.entries(projects).map(([label, id]) => ({
      property: `projects.${label}`,
      memberId: id,
    }));
  }
  const ids = inputs.memberIds as unknown;
  return Array.isArray(ids)
    ? ids.map((id, index) => ({ property: `memberIds[${index}]`, memberId: id }))
    : [];
}
