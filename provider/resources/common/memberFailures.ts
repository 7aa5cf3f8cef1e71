/**
 * How a failed request about a membership is explained, for every resource that makes them;
 * the resource's name is a parameter where the advice names it.
 */
import { ImageSummary } from "../../glance";
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import {
  explainCommonFailure,
  fail,
  imageForDiagnosis,
  ProviderError,
  serverEvidence,
} from "../../core/explain";
import { MemberRef } from "../../core/memberRef";

/** The resources whose messages name themselves. */
export type OwnerResource = "ImageMember" | "ImageMembers";

function notSharedAdvice(image: ImageSummary): string {
  return (
    `image ${image.id} has visibility "${image.visibility}"; only images with visibility "shared" ` +
    `can have members. Make it shared first (openstack image set --shared ${image.id}), or set ` +
    `visibility "shared" where the image is declared.`
  );
}

/** Explains why `POST .../members` failed. Reads the image when the answer hides the reason. */
export async function explainCreateFailure(
  error: unknown,
  ref: MemberRef,
  connection: Connection,
  resource: OwnerResource,
): Promise<ProviderError> {
  const headline = `Cannot share image ${ref.imageId} with project ${ref.memberId}`;
  const common = explainCommonFailure(error, headline);
  if (common || !(error instanceof ApiError)) {
    return common ?? fail(headline, String((error as Error)?.message ?? error));
  }
  const evidence = serverEvidence(error);
  const projectId =
    error.status === 403 || error.status === 404 ? await connection.projectId() : undefined;
  const scope = projectId ? `project ${projectId}` : "the configured project";
  if ((error.status === 400 || error.status === 403) && /encrypt|kms/i.test(error.serverMessage)) {
    return fail(
      headline,
      `image ${ref.imageId} is encrypted, and its KMS key must be authorized for project ${ref.memberId} ` +
        `before the image can be shared: in the key management service, grant that project "Decrypt Data Key" ` +
        `and "Describe Key" on the image's custom key (default keys cannot be shared), then run pulumi up again.`,
      evidence,
    );
  }
  switch (error.status) {
    case 409:
      return fail(
        headline,
        `project ${ref.memberId} is already a member of image ${ref.imageId}, outside this stack. To manage ` +
          `that membership here, set adoptExisting: true on this ${resource} and run pulumi up again ` +
          `(Pulumi's import cannot load dynamic providers, pulumi/pulumi#3550). If an earlier ` +
          `pulumi up was interrupted (killed, cancelled) after creating it, run ` +
          `IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up once to adopt every such member.`,
        evidence,
      );
    case 403: {
      const image = await imageForDiagnosis(connection.glance, ref.imageId);
      if (image && image !== "not-found" && image.visibility && image.visibility !== "shared") {
        return fail(headline, notSharedAdvice(image), evidence);
      }
      if (image && image !== "not-found" && image.owner && projectId && image.owner !== projectId) {
        return fail(
          headline,
          `image ${ref.imageId} belongs to project ${image.owner}, but the credentials are scoped to ` +
            `${scope}; only the owner project can add members. Use the owner's credentials.`,
          evidence,
        );
      }
      return fail(
        headline,
        `the image service does not allow ${scope} to add members to this image. Only the owner ` +
          `project can, and only while the image's visibility is "shared".`,
        evidence,
      );
    }
    case 404:
      return fail(
        headline,
        `image ${ref.imageId} does not exist or is not visible to ${scope}. Check the id and the region, ` +
          `and that the credentials belong to the image's owner (a project the image is shared with ` +
          `cannot add members).`,
        evidence,
      );
    case 413:
      return fail(
        headline,
        `image ${ref.imageId} already has as many members as the cloud allows (image_member_quota). ` +
          `Remove members that are no longer needed, or ask the operators to raise the quota.`,
        evidence,
      );
    case 400:
      return fail(headline, `the image service refused member id "${ref.memberId}".`, evidence);
    default:
      return fail(headline, `unexpected answer ${error.status} from the image service.`, evidence);
  }
}

/** Explains read, update and delete failures that are not "the member is gone". */
export function explainOtherFailure(
  error: unknown,
  headline: string,
  ref: MemberRef,
): ProviderError {
  const common = explainCommonFailure(error, headline);
  if (common || !(error instanceof ApiError)) {
    return common ?? fail(headline, String((error as Error)?.message ?? error));
  }
  if (error.status === 403) {
    return fail(
      headline,
      `the credentials are not allowed to manage the members of image ${ref.imageId}; only the image's ` +
        `owner project can (and only while the image is "shared"). Use the owner's credentials.`,
      serverEvidence(error),
    );
  }
  return fail(
    headline,
    `unexpected answer ${error.status} from the image service.`,
    serverEvidence(error),
  );
}
