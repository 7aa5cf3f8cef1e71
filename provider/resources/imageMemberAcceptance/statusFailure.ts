/** How a failed status change is explained: the member project's side of a share. */
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import { explainCommonFailure, fail, ProviderError, serverEvidence } from "../../core/explain";
import { describeIdentity } from "../../core/cloudIdentity";

/**
 * A named cloud of another project than the member's meets 404 (it cannot see the image) or
 * 403 (a member, but not this one): say that, rather than "not shared". The stack's own
 * credentials keep Glance's verdict, as an administrator may act for a member.
 */
export async function otherProjectsCloud(
  error: unknown,
  connection: Connection,
  headline: string,
  memberId: string,
): Promise<ProviderError | undefined> {
  const identity = connection.identity;
  if (identity.cloud === undefined || !(error instanceof ApiError)) return undefined;
  if (error.status !== 404 && error.status !== 403) return undefined;
  const actual = await connection.projectId();
  if (!actual || actual === memberId) return undefined;
  return fail(
    headline,
    `${describeIdentity(identity)} acts for project ${actual}, but only the member project ` +
      `${memberId} can accept or reject its membership. Name a clouds.yaml entry whose ` +
      `credentials are scoped to project ${memberId}.`,
    serverEvidence(error),
  );
}

/** The owner has not shared the image with the project (or no longer does). */
export class MembershipMissing extends ProviderError {
  constructor(
    message: string,
    readonly notFound: ApiError,
  ) {
    super(message);
  }
}

export function explainStatusFailure(
  error: unknown,
  headline: string,
  imageId: string,
  memberId: string,
): Error {
  const common = explainCommonFailure(error, headline);
  if (common || !(error instanceof ApiError)) {
    return common ?? fail(headline, String((error as Error)?.message ?? error));
  }
  const evidence = serverEvidence(error);
  switch (error.status) {
    case 404:
      return new MembershipMissing(
        `${headline}: image ${imageId} is not shared with project ${memberId} (there is no membership to accept ` +
          `or reject yet). The image's owner must share it first, for example with an ImageMember in the ` +
          `owner's stack; check also the image id and the region. ${evidence}`,
        error,
      );
    case 403:
      return fail(
        headline,
        `only the member project ${memberId} itself (or an administrator) can set the status of its ` +
          `membership; the image's owner cannot. Use credentials scoped to project ${memberId}.`,
        evidence,
      );
    case 400:
      return fail(
        headline,
        `the image service refused the request. On Huawei Cloud, accepting a full-ECS image made from a ` +
          `CBR backup needs vaultId.`,
        evidence,
      );
    default:
      return fail(headline, `unexpected answer ${error.status} from the image service.`, evidence);
  }
}
