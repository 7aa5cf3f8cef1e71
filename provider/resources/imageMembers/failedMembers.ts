/** Messages for an `ImageMembers` change that failed for some members: which, why, what next. */
import { Connection } from "../../core/connect";
import { ProviderError, explainCommonFailure, imageForDiagnosis } from "../../core/explain";
import { explainCreateFailure, explainOtherFailure } from "../common/memberFailures";
import { hiddenByVisibility, unconfirmedNotFound } from "../common/notFound";
import { ApiError, TransportError } from "../../transport/errors";
import { Failure } from "./batch";
import { ImageMembersMember } from "./types";

/** Failed members explained in full (each explanation may cost a GET of the image). */
const explainedFailures = 3;

export async function explainAdditions(
  connection: Connection,
  imageId: string,
  failed: Failure[],
  attempted: number,
): Promise<ProviderError> {
  const shown = failed.slice(0, explainedFailures);
  const explained = await Promise.all(
    shown.map((f) =>
      explainCreateFailure(f.error, { imageId, memberId: f.memberId }, connection, "ImageMembers"),
    ),
  );
  const lines = explained.map((e) => `- ${e.message}`);
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

/**
 * A 403 on listing in a refresh: the image is no longer shared, which hides members without
 * deleting them, so those in state stay there (an import has none: ../common/importing.ts).
 */
export async function explainHiddenMembers(
  connection: Connection,
  imageId: string,
  had: ImageMembersMember[],
  headline: string,
  forbidden: ApiError,
): Promise<ProviderError> {
  const image = await imageForDiagnosis(connection.glance, imageId);
  const hidden =
    image && image !== "not-found"
      ? hiddenByVisibility(
          headline,
          image,
          had.length > 0 ? `the memberships of ${describeIds(had)}` : undefined,
          forbidden,
        )
      : undefined;
  return (
    hidden ?? explainOtherFailure(forbidden, headline, { imageId, memberId: describeIds(had) })
  );
}

/** Members whose DELETE failed, explained together (one look at the image for all). */
export async function explainRemovals(
  connection: Connection,
  imageId: string,
  failed: Failure[],
  attempted: number,
): Promise<ProviderError> {
  const ids = failed.map((f) => f.memberId);
  const headline =
    `Cannot stop sharing image ${imageId} with ${count(failed.length, "project")} of the ${attempted} ` +
    `to remove (${describeIdList(ids)}); they are kept in state`;
  const first = failed[0].error;
  if (first instanceof ApiError && (first.status === 403 || first.status === 404)) {
    const image = await imageForDiagnosis(connection.glance, imageId);
    const hidden =
      image && image !== "not-found"
        ? hiddenByVisibility(headline, image, "they", first)
        : undefined;
    if (hidden) {
      return hidden;
    }
    if (first.status === 404) {
      return unconfirmedNotFound(headline, imageId, "they", first);
    }
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
