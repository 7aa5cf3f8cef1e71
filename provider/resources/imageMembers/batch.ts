/**
 * The requests behind one change of an image's member list: one POST or DELETE per member,
 * a few at a time, each failure collected rather than thrown, so the caller can keep in
 * state exactly what exists.
 */
import { mayHaveBeenCreated } from "../common/adoption";
import { UntrustedNotFound } from "../common/notFound";
import type { Removed } from "../common/revocation";
import { createMember, deleteMember, getMember, listMembers, Member } from "../../glance";
import { ServiceConnection } from "../../transport/serviceConnection";
import { ApiError } from "../../transport/errors";
import { ImageMembersMember, memberConcurrency, unsettledStatus } from "./types";

export interface Failure {
  memberId: string;
  error: unknown;
}

/**
 * POSTs each member once, `memberConcurrency` at a time. A 409 is adopted (read with a GET)
 * when the user asked for it, when an earlier attempt of the same POST may have landed, or when
 * state marks the member as possibly created by an earlier run (`possiblyOurs`); such a member
 * stays in the result, unsettled, whatever its POST met.
 */
export async function addMembers(
  glance: ServiceConnection,
  imageId: string,
  memberIds: string[],
  adoptExisting: boolean,
  possiblyOurs: ReadonlySet<string> = new Set(),
): Promise<{ members: ImageMembersMember[]; failed: Failure[] }> {
  const members: ImageMembersMember[] = [];
  const failed: Failure[] = [];
  await forEachLimited(memberIds, memberConcurrency, async (memberId) => {
    try {
      members.push(memberOf(await createMember(glance, imageId, memberId)));
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.status === 409 &&
        (error.afterLostResponse || adoptExisting || possiblyOurs.has(memberId))
      ) {
        try {
          members.push(memberOf(await getMember(glance, imageId, memberId)));
        } catch (readError) {
          // It exists (409 said so): keep it in state even though it could not be read.
          members.push(unsettledMember(memberId));
          failed.push({ memberId, error: readError });
        }
        return;
      }
      // Kept while it may exist: this POST's own answer was lost, or state already marked it
      // unsettled (an earlier run's answer was lost). Only a read proves it gone (a refresh's
      // list, a DELETE's 404 on a readable image), never a failed POST: dropped here, a
      // member Glance holds would be an access nobody manages.
      if (mayHaveBeenCreated(error) || possiblyOurs.has(memberId)) {
        members.push(unsettledMember(memberId));
      }
      failed.push({ memberId, error });
    }
  });
  return { members, failed };
}

/**
 * DELETEs each member once, `memberConcurrency` at a time; a 404 means done unless `judge`
 * (../common/notFound.ts) says it cannot be believed. Another project's 404 is explained per
 * member; a hidden or unconfirmed one keeps its answer, which the caller explains for all.
 * `deleted`: those Glance answered 204, to be confirmed (../common/revocation.ts), and how
 * long the slowest of them took.
 */
export async function removeMembers(
  glance: ServiceConnection,
  imageId: string,
  memberIds: string[],
  judge: (memberId: string, notFound: ApiError) => Promise<UntrustedNotFound | undefined>,
): Promise<Removed> {
  const deleted: string[] = [];
  const failed: Failure[] = [];
  let slowestMs = 0;
  await forEachLimited(memberIds, memberConcurrency, async (memberId) => {
    try {
      const started = Date.now();
      await deleteMember(glance, imageId, memberId);
      slowestMs = Math.max(slowestMs, Date.now() - started);
      deleted.push(memberId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        const untrusted = await judge(memberId, error);
        if (untrusted) {
          failed.push({
            memberId,
            error: untrusted.reason === "other-project" ? untrusted : error,
          });
        }
        return;
      }
      failed.push({ memberId, error });
    }
  });
  return { deleted, failed, slowestMs };
}

/**
 * One list of the image's members: which of `memberIds` (deleted just now) Glance lists
 * again. A 404 is the image gone, with its members; any other failure leaves them all
 * unconfirmed (a 403: the image is no longer shared, which hides members without deleting them).
 */
export async function listedAmong(
  glance: ServiceConnection,
  imageId: string,
  memberIds: string[],
): Promise<{ listed: string[]; failed: Failure[] }> {
  try {
    const listed = new Set((await listMembers(glance, imageId)).map((m) => m.memberId));
    return { listed: memberIds.filter((m) => listed.has(m)), failed: [] };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { listed: [], failed: [] };
    }
    return { listed: [], failed: memberIds.map((memberId) => ({ memberId, error })) };
  }
}

/** Runs `work` on every item, at most `limit` at a time; never rejects (work catches its own). */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function memberOf(member: Member): ImageMembersMember {
  return {
    memberId: member.memberId,
    status: member.status,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
  };
}

export function unsettledMember(memberId: string): ImageMembersMember {
  return { memberId, status: unsettledStatus, createdAt: "", updatedAt: "" };
}
