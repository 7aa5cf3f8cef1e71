import { ImageSummary } from "../../glance";
import { MemberRef } from "../common/memberRef";
import { ServiceConnection } from "../../identity/session";
import { ApiError } from "../../transport/errors";
import {
  explainCommonFailure,
  fail,
  imageForDiagnosis,
  ProviderError,
  serverEvidence,
} from "../common/explain";

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
  glance: ServiceConnection | undefined,
  credentialsProject: () => Promise<string | undefined>,
): Promise<ProviderError> {
  const headline = `Cannot share image ${ref.imageId} with project ${ref.memberId}`;
  const common = explainCommonFailure(error, headline);
  if (common || !(error instanceof ApiError)) {
    return common ?? fail(headline, String((error as Error)?.message ?? error));
  }
  const evidence = serverEvidence(error);
  const projectId =
    error.status === 403 || error.status === 404 ? await credentialsProject() : undefined;
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
          `that membership here, set adoptExisting: true on this ImageMember and run pulumi up again ` +
          `(Pulumi's import cannot load dynamic providers, pulumi/pulumi#3550). If an earlier ` +
          `pulumi up was interrupted (killed, cancelled) after creating it, run ` +
          `IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up once to adopt every such member.`,
        evidence,
      );
    case 403: {
      const image = glance ? await imageForDiagnosis(glance, ref.imageId) : undefined;
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

/**
 * After a 404 on a member: either the membership is really gone (its image too, perhaps), or
 * the image was made private, which hides its members without deleting them. Returns the
 * error to raise in the second case, undefined in the first.
 */
export async function hiddenMemberError(
  glance: ServiceConnection,
  ref: MemberRef,
  headline: string,
  notFound: ApiError,
): Promise<ProviderError | undefined> {
  const image = await imageForDiagnosis(glance, ref.imageId);
  if (image === "not-found") {
    return undefined;
  }
  if (image === undefined) {
    return fail(
      headline,
      `the image service says the member is not found, but image ${ref.imageId} could not be read to ` +
        `confirm it; nothing was changed in state. Try again.`,
      serverEvidence(notFound),
    );
  }
  if (image.visibility && image.visibility !== "shared") {
    return fail(
      headline,
      `image ${ref.imageId} is now "${image.visibility}", so the image service hides its members, but ` +
        `the membership of project ${ref.memberId} still exists and is kept in state. Make the image ` +
        `shared again (openstack image set --shared ${ref.imageId}); if it should stay ${image.visibility}, ` +
        `remove this resource from the program and from state with pulumi state delete.`,
      serverEvidence(notFound),
    );
  }
  return undefined;
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
