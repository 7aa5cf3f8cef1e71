import { ApiError } from "../../transport/errors";
import { explainCommonFailure, fail, ProviderError, serverEvidence } from "./explain";
import { describeIdentity, Identity } from "./identity";
import { openSession } from "./session";

/**
 * The project the credentials act for, recorded in state when a membership is made. A "not
 * found" proves a membership gone only when it comes from that project: with another
 * project's credentials (OS_* of the wrong project in a pipeline, say) Glance answers 404
 * because that project cannot see the image, and dropping the membership from state then
 * would leave it in the cloud unmanaged.
 */
export async function currentProjectId(identity: Identity): Promise<string | undefined> {
  try {
    return await openSession(identity).projectId();
  } catch {
    return undefined; // unknown: no record, no check
  }
}

/**
 * An error when a "not found" about one membership (or, without `memberId`, all of an image's)
 * comes from credentials of a project other than the one that made it; undefined when the answer can be trusted (same project, or either
 * project unknown, as in a state written before the project was recorded).
 */
export async function foreignNotFound(
  identity: Identity,
  recordedProjectId: string | undefined,
  headline: string,
  subject: { imageId: string; memberId?: string },
  notFound: ApiError,
): Promise<ProviderError | undefined> {
  if (!recordedProjectId) {
    return undefined;
  }
  const current = await currentProjectId(identity);
  if (!current || current === recordedProjectId) {
    return undefined;
  }
  const what = subject.memberId
    ? `the membership of project ${subject.memberId} in image ${subject.imageId}`
    : `the members of image ${subject.imageId}`;
  return fail(
    headline,
    `the image service reports ${what} as not found, but these credentials are ` +
      `for project ${current}, and the membership was made with the credentials of project ` +
      `${recordedProjectId} (recorded in state). Project ${current} may simply not see image ` +
      `${subject.imageId}, so nothing was changed in state. Run again with project ` +
      `${recordedProjectId}'s credentials; if the membership is really gone, remove the resource ` +
      `from state with pulumi state delete.`,
    serverEvidence(notFound),
  );
}

/** What `diff` needs to judge a changed `cloud` input. */
export interface CloudSwitch {
  /** The identity the resource was last written with, and the project recorded for it. */
  before: Identity;
  recordedProjectId: string | undefined;
  /** The identity the program now names. */
  after: Identity;
  /** What the change is about, e.g. "Cannot switch the credentials of ImageMember x". */
  headline: string;
  /** What the other project could not do, in the resource's words. */
  consequence: string;
}

/**
 * `diff`'s verdict on a changed `cloud` input. The name only selects credentials: another
 * name for the project the resource was made with is no change at all (undefined); a name
 * for another project would hand the resource to credentials that cannot manage it, so the
 * preview stops here with an error instead of a surprise at `up` or `destroy`.
 */
export async function refuseProjectSwitch(change: CloudSwitch): Promise<ProviderError | undefined> {
  const expected = change.recordedProjectId ?? (await currentProjectId(change.before));
  let actual: string | undefined;
  try {
    actual = await openSession(change.after).projectId();
  } catch (error) {
    return (
      explainCommonFailure(error, change.headline) ??
      fail(change.headline, String((error as Error)?.message ?? error))
    );
  }
  if (!expected || !actual || expected === actual) {
    return undefined;
  }
  return fail(
    change.headline,
    `${describeIdentity(change.after)} would act for project ${actual}, but this resource was made ` +
      `with the credentials of project ${expected} (${describeIdentity(change.before)}). ` +
      `${change.consequence} Nothing was changed. Name a clouds.yaml entry for project ` +
      `${expected} (any name will do: the same project is no change), or keep the current one.`,
  );
}
