/** The plain data of `ImageMembers`: its inputs and outputs as kept in state. */

export interface ImageMembersInputs {
  /** The image shared (a UUID). */
  imageId: string;
  /** The projects to share the image with; order does not matter. */
  memberIds: string[];
  /** Region whose image service is used; the configured region when absent. */
  region?: string;
  /** Take over memberships that already exist instead of failing with a conflict. */
  adoptExisting?: boolean;
}

/** One membership as kept in state: no schema, no image id (the resource has it), to stay small. */
export interface ImageMembersMember {
  /** The project the image is shared with. */
  memberId: string;
  /**
   * `pending`, `accepted` or `rejected`; `unknown` for a member whose POST may have reached
   * Glance although no answer said so (the next update or refresh settles it).
   */
  status: string;
  /** When Glance created the membership (ISO 8601). */
  createdAt: string;
  /** When the membership last changed (ISO 8601). */
  updatedAt: string;
}

/** What the provider returns for an `ImageMembers` and Pulumi keeps in state. */
export interface ImageMembersOutputs {
  /** The image shared. */
  imageId: string;
  /** The region given, if any. */
  region?: string;
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

/** Status of a member that may or may not exist (its POST's answer was lost, then it failed). */
export const unsettledStatus = "unknown";
