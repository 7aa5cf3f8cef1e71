import * as pulumi from "@pulumi/pulumi";
import { listMembers, MemberStatus } from "../glance";
import { ApiError } from "../transport/errors";
import { fail, serverEvidence } from "../core/explain";
import { checkImageId } from "../core/validation";
import { withCloud } from "../core/cloudIdentity";
import { connectForLookup, explainLookupFailure } from "./lookupConnection";

/** The arguments of {@link getImageMembers}. */
export interface GetImageMembersArgs {
  /** The image whose members to list (a UUID). */
  imageId: string;
  /** Region whose image service to ask; defaults to the configured region. */
  region?: string | undefined;
  /** A clouds.yaml entry whose credentials to use instead of the stack's. */
  cloud?: string | undefined;
}

/** The arguments of {@link getImageMembersOutput}: those of {@link getImageMembers}, as inputs. */
export interface GetImageMembersOutputArgs {
  /** The image whose members to list (a UUID). */
  imageId: pulumi.Input<string>;
  /** Region whose image service to ask; defaults to the configured region. */
  region?: pulumi.Input<string | undefined> | undefined;
  /** A clouds.yaml entry whose credentials to use instead of the stack's. */
  cloud?: pulumi.Input<string | undefined> | undefined;
}

/** One member of an image, as {@link getImageMembers} returns it. */
export interface ImageMemberInfo {
  /** The project the image is shared with. */
  memberId: string;
  /** `pending` until that project accepts (`accepted`) or rejects (`rejected`) it. */
  status: MemberStatus;
  /** When the membership was created (ISO 8601, UTC). */
  createdAt: string;
  /** When the membership last changed, for example when it was accepted (ISO 8601, UTC). */
  updatedAt: string;
}

/** The result of {@link getImageMembers}. */
export interface GetImageMembersResult {
  /** The image asked about. */
  imageId: string;
  /**
   * Its members, sorted by project id. The owner project sees every member; a member project
   * sees only its own membership (Glance shows it nothing else).
   */
  members: ImageMemberInfo[];
}

/**
 * The members of an image (`GET /v2/images/{id}/members`) with their status and times,
 * read-only. Runs in the program's process with the credentials the provider would use
 * (stack config `openstack:*`, then `OS_*`, then `clouds.yaml`), one authentication per
 * process for all look-ups.
 *
 * ```ts
 * const { members } = await getImageMembers({ imageId });
 * ```
 */
export async function getImageMembers(args: GetImageMembersArgs): Promise<GetImageMembersResult> {
  const imageId = args?.imageId;
  const invalid = checkImageId(imageId);
  if (invalid) {
    throw fail("getImageMembers", `${invalid.reason}. Pass the id of the image to look up`);
  }
  const headline = `Cannot list the members of image ${imageId}${withCloud(args.cloud)}`;
  const { session, glance } = await connectForLookup(args, headline);
  try {
    const members = await listMembers(glance, imageId);
    return {
      imageId,
      members: members
        .map(({ memberId, status, createdAt, updatedAt }) => ({
          memberId,
          status,
          createdAt,
          updatedAt,
        }))
        .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)),
    };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
      const projectId = await session.projectId().catch(() => undefined);
      const scope = projectId ? `project ${projectId}` : "the configured project";
      if (error.status === 404) {
        throw fail(
          headline,
          `image ${imageId} does not exist or is not visible to ${scope}` +
            (args.region ? ` in region ${args.region}` : "") +
            `: only its owner project and the projects it is shared with can see it. Check the ` +
            `id and the region, and use the credentials of the owner or of a member project.`,
          serverEvidence(error),
        );
      }
      throw fail(
        headline,
        `image ${imageId} is not shared (its visibility is not "shared"), and only shared images ` +
          `have members. Make it shared (openstack image set --shared ${imageId}, or visibility ` +
          `"shared" where the image is declared) before looking up or adding members.`,
        serverEvidence(error),
      );
    }
    throw explainLookupFailure(error, headline);
  }
}

/**
 * {@link getImageMembers} taking inputs and returning an output, as Pulumi's functions do:
 * it runs once the inputs are known and keeps their dependencies and secrecy.
 */
export function getImageMembersOutput(
  args: pulumi.Input<GetImageMembersOutputArgs>,
): pulumi.Output<GetImageMembersResult> {
  return pulumi.output(args).apply((resolved) => getImageMembers(resolved));
}
