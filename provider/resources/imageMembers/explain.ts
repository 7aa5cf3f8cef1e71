/** Messages for an `ImageMembers` change that failed for some members: which, why, what next. */
import {
  ProviderError,
  explainCommonFailure,
  fail,
  imageForDiagnosis,
  serverEvidence,
} from "../common/explain";
import { ServiceConnection } from "../../identity/session";
import { ApiError, TransportError } from "../../transport/errors";
import { explainCreateFailure, explainOtherFailure } from "../imageMember/explain";
import { Failure } from "./batch";
import { ImageMembersMember } from "./types";

/** Failed members explained in full (each explanation may cost a GET of the image). */
const explainedFailures = 3;

export async function explainAdditions(
  glance: ServiceConnection,
  projectId: () => Promise<string | undefined>,
  imageId: string,
  failed: Failure[],
  attempted: number,
): Promise<ProviderError> {
  const shown = failed.slice(0, explainedFailures);
  const explained = await Promise.all(
    shown.map((f) =>
      explainCreateFailure(f.error, { imageId, memberId: f.memberId }, glance, projectId),
    ),
  );
  // The explanations are ImageMember's; their advice names that resource.
  const lines = explained.map(
    (e) => `- ${e.message.replace("on this ImageMember and", "on this ImageMembers and")}`,
  );
  if (failed.length > shown.length) {
    const rest = failed.slice(shown.length);
    lines.push(
      `- and ${count(rest.length, "more project")}: ${rest
        .map((f) => `${f.memberId} (${shortReason(f.error)})`)
        .join(", ")}`,
    );
  }
  return new ProviderError(
    `Cannot share image ${imageId} with ${count(failed.length, "project")} of the ${attempted} ` +
      `to add; the members that were added are kept in state, and the next pulumi up adds the ` +
      `others (nothing was rolled back):\n${lines.join("\n")}`,
  );
}

/** A 403 on listing: the image is no longer shared, which hides members without deleting them. */
export async function explainHiddenMembers(
  glance: ServiceConnection,
  imageId: string,
  had: ImageMembersMember[],
  headline: string,
  forbidden: ApiError,
): Promise<ProviderError> {
  const image = await imageForDiagnosis(glance, imageId);
  if (image && image !== "not-found" && image.visibility && image.visibility !== "shared") {
    return fail(
      headline,
      `image ${imageId} is now "${image.visibility}", so the image service hides its members, but ` +
        `the memberships of ${describeIds(had)} still exist and are kept in state. Make the image ` +
        `shared again (openstack image set --shared ${imageId}); if it should stay ${image.visibility}, ` +
        `remove this resource from the program and from state with pulumi state delete.`,
      serverEvidence(forbidden),
    );
  }
  return explainOtherFailure(forbidden, headline, { imageId, memberId: describeIds(had) });
}

export async function explainRemovals(
  glance: ServiceConnection,
  imageId: string,
  failed: Failure[],
  attempted: number,
): Promise<ProviderError> {
  const ids = failed.map((f) => f.memberId);
  const headline =
    `Cannot stop sharing image ${imageId} with ${count(failed.length, "project")} of the ${attempted} ` +
    `to remove (${describeIdList(ids)}); they are kept in state`;
  const first = failed[0].error;
  const hidden =
    first instanceof ApiError && (first.status === 403 || first.status === 404)
      ? await imageForDiagnosis(glance, imageId)
      : undefined;
  if (hidden && hidden !== "not-found" && hidden.visibility && hidden.visibility !== "shared") {
    return fail(
      headline,
      `image ${imageId} is now "${hidden.visibility}", so the image service hides its members, but ` +
        `they still exist. Make the image shared again (openstack image set --shared ${imageId}) and ` +
        `run pulumi up or destroy again; if it should stay ${hidden.visibility}, remove this resource ` +
        `from state with pulumi state delete.`,
      serverEvidence(first as ApiError),
    );
  }
  if (first instanceof ApiError && first.status === 404) {
    return fail(
      headline,
      `the image service says they are not found, but image ${imageId} could not be read to ` +
        `confirm it; nothing was changed in state. Try again.`,
      serverEvidence(first),
    );
  }
  return explainOtherFailure(first, headline, { imageId, memberId: ids[0] });
}

function shortReason(error: unknown): string {
  if (error instanceof ApiError) return `HTTP ${error.status}`;
  if (error instanceof TransportError) return error.reason;
  return explainCommonFailure(error, "")?.message ?? String((error as Error)?.message ?? error);
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describeIdList(ids: string[]): string {
  const shown = ids.slice(0, 5).join(", ");
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

export function describeIds(members: ImageMembersMember[]): string {
  return members.length === 0
    ? "no project"
    : `project${members.length === 1 ? "" : "s"} ${describeIdList(members.map((m) => m.memberId))}`;
}
