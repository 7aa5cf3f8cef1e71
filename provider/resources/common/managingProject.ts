import { Settings } from "../../identity/settings";
import { ApiError } from "../../transport/errors";
import { fail, ProviderError, serverEvidence } from "./explain";
import { openSession } from "./session";

/**
 * The project the credentials act for, recorded in state when a membership is made. A "not
 * found" proves a membership gone only when it comes from that project: with another
 * project's credentials (OS_* of the wrong project in a pipeline, say) Glance answers 404
 * because that project cannot see the image, and dropping the membership from state then
 * would leave it in the cloud unmanaged.
 */
export async function currentProjectId(
  stackSettings: Settings | undefined,
): Promise<string | undefined> {
  try {
    return await openSession(stackSettings).projectId();
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
  stackSettings: Settings | undefined,
  recordedProjectId: string | undefined,
  headline: string,
  subject: { imageId: string; memberId?: string },
  notFound: ApiError,
): Promise<ProviderError | undefined> {
  if (!recordedProjectId) {
    return undefined;
  }
  const current = await currentProjectId(stackSettings);
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
