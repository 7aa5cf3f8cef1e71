import { ImageSummary } from "../../glance";
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import { fail, imageForDiagnosis, ProviderError, serverEvidence } from "../../core/explain";

/** What a "not found" from Glance was about. */
export interface NotFoundQuestion {
  /** The hook's connection: the identity that asked, and its project. */
  connection: Connection;
  /** The project recorded in state as the one that made (or set) the membership. */
  recordedProjectId: string | undefined;
  headline: string;
  /** The membership asked about, or without `memberId` all of an image's (a list). */
  subject: { imageId: string; memberId?: string };
  notFound: ApiError;
  /**
   * How the memberships that may still exist are named in messages ("the membership of project
   * x"), when the image's owner asks: a private image hides its members without deleting them,
   * so the image is looked at before "not found" is believed. The member project's side
   * cannot tell the two apart (it sees neither), so it leaves this out.
   */
  hidden?: {
    stillExisting: string;
    /** Reads the image once for many questions (a batch); one GET per question otherwise. */
    readImage?: () => Promise<ImageSummary | "not-found" | undefined>;
  };
}

/**
 * The one decision every resource makes on a 404: undefined when the membership is really
 * gone (the goal of a delete, a drop from state on read), or the error to raise, which leaves
 * state alone, because the answer cannot be trusted:
 * - it came from another project's credentials than the one recorded in state (the wrong OS_*
 *   in a pipeline, say): that project may simply not see the image;
 * - the image could not be read to confirm it, or is no longer "shared", which hides members
 *   that still exist.
 */
export async function notFoundVerdict(q: NotFoundQuestion): Promise<UntrustedNotFound | undefined> {
  const foreign = await foreignProject(q);
  if (foreign || !q.hidden) {
    return foreign;
  }
  const readImage =
    q.hidden.readImage ?? (() => imageForDiagnosis(q.connection.glance, q.subject.imageId));
  const image = await readImage();
  if (image === "not-found") {
    return undefined;
  }
  const error =
    image === undefined
      ? unconfirmedNotFound(q.headline, q.subject.imageId, q.hidden.stillExisting, q.notFound)
      : hiddenByVisibility(q.headline, image, q.hidden.stillExisting, q.notFound);
  return (
    error && new UntrustedNotFound(error.message, image === undefined ? "unconfirmed" : "hidden")
  );
}

/** A "not found" not to be believed, and why (a batch explains some reasons together). */
export class UntrustedNotFound extends ProviderError {
  constructor(
    message: string,
    readonly reason: "other-project" | "hidden" | "unconfirmed",
  ) {
    super(message);
  }
}

/** A 404 about `what` while the image itself could not be read to tell why. */
export function unconfirmedNotFound(
  headline: string,
  imageId: string,
  what: string,
  notFound: ApiError,
): ProviderError {
  return fail(
    headline,
    `the image service says ${what.replace(/^the /, "")} ${/^they$/.test(what) ? "are" : "is"} not ` +
      `found, but image ${imageId} could not be read to confirm it; nothing was changed in state. Try again.`,
    serverEvidence(notFound),
  );
}

/**
 * The error for members an image's visibility hides (Glance answers 404 or 403 then), or
 * undefined when the image is shared and nothing is hidden.
 */
export function hiddenByVisibility(
  headline: string,
  image: ImageSummary,
  stillExisting: string | undefined,
  answer: ApiError,
): ProviderError | undefined {
  if (!image.visibility || image.visibility === "shared") {
    return undefined;
  }
  // undefined: the resource holds no membership of the image (an ImageMembers with none).
  const kept =
    stillExisting === undefined
      ? "and this resource holds none of them in state, so it cannot tell whether any was added"
      : `but ${stillExisting} still ${/^the memberships|^they/.test(stillExisting) ? "exist and are" : "exists and is"} kept in state`;
  return fail(
    headline,
    `image ${image.id} is now "${image.visibility}", so the image service hides its members, ` +
      `${kept}. Make the image shared again (openstack image set --shared ${image.id}) and ` +
      `run pulumi again; if it should stay ${image.visibility}, remove this resource from the ` +
      `program and from state with pulumi state delete.`,
    serverEvidence(answer),
  );
}

/** The foreign-project half of the verdict (see managingProjectId in the outputs). */
async function foreignProject(q: NotFoundQuestion): Promise<UntrustedNotFound | undefined> {
  if (!q.recordedProjectId) {
    return undefined; // a state written before the project was recorded: no check
  }
  const current = await q.connection.projectId();
  if (!current || current === q.recordedProjectId) {
    return undefined;
  }
  const { imageId, memberId } = q.subject;
  const what = memberId
    ? `the membership of project ${memberId} in image ${imageId}`
    : `the members of image ${imageId}`;
  const error = fail(
    q.headline,
    `the image service reports ${what} as not found, but these credentials are ` +
      `for project ${current}, and the membership was made with the credentials of project ` +
      `${q.recordedProjectId} (recorded in state). Project ${current} may simply not see image ` +
      `${imageId}, so nothing was changed in state. Run again with project ` +
      `${q.recordedProjectId}'s credentials; if the membership is really gone, remove the resource ` +
      `from state with pulumi state delete.`,
    serverEvidence(q.notFound),
  );
  return new UntrustedNotFound(error.message, "other-project");
}
