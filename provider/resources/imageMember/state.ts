/**
 * What an `ImageMember` keeps in state: its inputs and outputs, and how a Glance member
 * becomes them (outputs for state, inputs for an import or a refresh).
 */
import type { Member } from "../../glance";
import type { MemberStatus } from "../../glance/members/results";
import type { MemberRef } from "../../core/memberRef";
import type { UnsettledStatus } from "../common/adoption";
import { secretInputsOf } from "../common/secretInputs";

/** The inputs of an `ImageMember` as the engine hands them to the provider. */
export interface ImageMemberInputs {
  /** The image shared (a UUID). */
  imageId: string;
  /** The ID of the project it is shared with (32 lowercase hexadecimal characters), not its name. */
  memberId: string;
  /** Region whose image service is used; the configured region when absent. */
  region?: string;
  /** Take over a membership that already exists instead of failing with a conflict. */
  adoptExisting?: boolean;
  /** The clouds.yaml entry whose credentials to use instead of the stack's. */
  cloud?: string;
}

/** What the provider returns for an `ImageMember` and Pulumi keeps in state. */
export interface ImageMemberOutputs extends ImageMemberInputs {
  /**
   * `pending`, `accepted` or `rejected`, as Glance reports it; in state only, `unknown` for a
   * membership whose creation was not confirmed (the next `pulumi up` settles it; a
   * successful run's outputs never hold it).
   */
  status: MemberStatus | UnsettledStatus;
  /** When Glance created the membership (ISO 8601). */
  createdAt: string;
  /** When the membership last changed (ISO 8601). */
  updatedAt: string;
  /**
   * Glance's schema path for members, the same for every member: no longer recorded (it was
   * paid in every checkpoint), but state written before keeps it through a refresh
   * (see `outputsOf`).
   */
  schema?: string;
  /**
   * The project whose credentials made the membership. A "not found" from any other project
   * does not take the membership out of state (see ../common/managingProject.ts).
   */
  managingProjectId?: string;
}

/** Whether the program gave the member id as a secret: a refusal then does not quote it. */
export function secretMemberId(inputs: ImageMemberInputs): boolean {
  return secretInputsOf(inputs).has("memberId");
}

export function refOf(inputs: ImageMemberInputs): MemberRef {
  return { imageId: inputs.imageId, memberId: inputs.memberId };
}

/**
 * The outputs kept in state, each a byte paid at every checkpoint. `recorded`, the outputs in
 * state when refreshing, keeps `schema` where an earlier version recorded it: with the legacy
 * refresh diff (older CLIs, `PULUMI_ENABLE_LEGACY_REFRESH_DIFF`), which compares outputs, a
 * refresh that dropped it would report every such member as updated once after an upgrade
 * (and `pulumi refresh --expect-no-changes` fail).
 */
export function outputsOf(
  member: Member,
  { region, cloud }: { region?: string; cloud?: string },
  managingProjectId: string | undefined,
  recorded: Partial<ImageMemberOutputs> = {},
): ImageMemberOutputs {
  return {
    imageId: member.imageId,
    memberId: member.memberId,
    ...(region ? { region } : {}),
    ...(cloud ? { cloud } : {}),
    status: member.status,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
    ...(recorded.schema !== undefined ? { schema: member.schema } : {}),
    ...(managingProjectId ? { managingProjectId } : {}),
  };
}

export function inputsOf(outs: ImageMemberOutputs): ImageMemberInputs {
  return {
    imageId: outs.imageId,
    memberId: outs.memberId,
    ...(outs.region ? { region: outs.region } : {}),
    ...(outs.cloud ? { cloud: outs.cloud } : {}),
  };
}
