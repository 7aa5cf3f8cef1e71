/** The plain data of `ImageMembers`: its inputs and outputs as kept in state. */
import type { MemberStatus } from "../../glance/members/results";
import type { UnsettledStatus } from "../common/adoption";

/**
 * The projects to share with, keyed by a label a reviewer reads (`{ ops: "<project id>" }`).
 * A map, not a list, because the engine compares maps key by key: a pull request that removes
 * one project and adds another shows exactly those two lines, and order never matters. A
 * program that passes a plain list gets each project id as its own label.
 */
export type ProjectsByLabel = Record<string, string>;

/** What the provider keeps in state as the inputs of an `ImageMembers`, after `check`. */
export interface ImageMembersInputs {
  /** The image shared (a UUID). */
  imageId: string;
  /** What `check` stores: the projects to share the image with, by label. */
  projects?: ProjectsByLabel;
  /**
   * The list form programs wrote before `projects` existed. `check` turns it into `projects`
   * (each id its own label), so state written by older versions upgrades without a replacement.
   */
  memberIds?: string[];
  /** Region whose image service is used; the configured region when absent. */
  region?: string;
  /** Take over memberships that already exist instead of failing with a conflict. */
  adoptExisting?: boolean;
  /** The clouds.yaml entry whose credentials (the owner's) to use instead of the stack's. */
  cloud?: string;
  /**
   * The image's whole member list is this resource's: a refresh reads every member, so one
   * granted outside Pulumi shows as drift and the next update removes it.
   */
  exclusive?: boolean;
}

/** One membership as kept in state: no schema, no image id (the resource has it), to stay small. */
export interface ImageMembersMember {
  /** The ID of the project the image is shared with (32 lowercase hexadecimal characters). */
  memberId: string;
  /**
   * The member project's answer: `pending`, `accepted` or `rejected`, as Glance reports it;
   * in state only, `unknown` for a member whose POST may have reached Glance although no
   * answer said so (the next update or refresh settles it; a successful run's outputs never
   * hold it).
   */
  status: MemberStatus | UnsettledStatus;
  /** When Glance created the membership (ISO 8601). */
  createdAt: string;
  /** When the membership last changed (ISO 8601). */
  updatedAt: string;
  /** The label the program gave this project, when it is not the project id itself. */
  name?: string;
}

/** What the provider returns for an `ImageMembers` and Pulumi keeps in state. */
export interface ImageMembersOutputs {
  /** The image shared. */
  imageId: string;
  /** The region given, if any. */
  region?: string;
  /** The clouds.yaml entry given, if any. */
  cloud?: string;
  /** Set (true) when the resource owns the image's whole member list. */
  exclusive?: boolean;
  /** Sorted by memberId. */
  members: ImageMembersMember[];
  /**
   * The project whose credentials made the memberships. A "not found" from any other project
   * does not take them out of state (see ../common/managingProject.ts).
   */
  managingProjectId?: string;
}

/** Requests in flight at once per resource: fast for hundreds of members, gentle on Glance. */
export const memberConcurrency = 8;

export { unsettledStatus } from "../common/adoption";
