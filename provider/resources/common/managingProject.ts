/**
 * The project a resource acts for is recorded in state (`managingProjectId`) when it is made:
 * a "not found" from any other project is not believed (./notFound.ts), and a `cloud` input
 * may change only to another name for that same project (below).
 */
import { openSession } from "../../core/connect";
import { explainCommonFailure, fail, ProviderError } from "../../core/explain";
import { describeIdentity, Identity } from "../../core/cloudIdentity";

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
  const expected =
    change.recordedProjectId ??
    (await openSession(change.before)
      .projectId()
      .catch(() => undefined));
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
