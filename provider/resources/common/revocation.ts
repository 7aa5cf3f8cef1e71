/**
 * A removal that sticks, for every resource that removes members (the resource as a
 * parameter). Glance can write a membership back after answering its DELETE with 204: when the
 * member project's status PUT meets the owner's DELETE, `image_member_update` reads the row by
 * id without the deleted filter and saves it with `deleted = False` after the delete
 * (docs/failure-modes.md, "A revocation meets a status change"). So after its DELETEs a
 * removal reads Glance once, deletes again what is still listed, and gives up, naming image
 * and members, when they keep coming back: never a "deleted" for an access that still exists.
 *
 * The read waits as long as the slowest DELETE took: the racing PUT had read the member before
 * the DELETE committed, and writes it back about one request's time later. Read at once, it
 * can come before that write when Glance is slow (seen on the fault suite's busy machine:
 * DELETE 460 ms, the list 2 ms after its answer and without the member, the PUT answered 50 ms
 * after the list).
 */
import { fail, ProviderError } from "../../core/explain";
import { realSleep } from "../../transport/http";
import type { OwnerResource } from "./memberFailures";

/** A member whose removal failed, with why (explained by the resource). */
export interface RemovalFailure {
  memberId: string;
  error: unknown;
}

/** The requests of one resource's removal, made by its Glance client. */
export interface Revoker {
  /**
   * DELETEs the members: `deleted` those Glance answered 204 (to be confirmed), `failed` those
   * it did not; a 404 judged trustworthy (./notFound.ts) is neither: it was gone already.
   */
  remove(memberIds: string[]): Promise<Removed>;
  /**
   * One read of Glance: which of these members, all deleted just now, it lists again, and
   * those it could not confirm (kept in state: the next run tries again). A 404 is "gone".
   */
  stillListed(memberIds: string[]): Promise<{ listed: string[]; failed: RemovalFailure[] }>;
}

export interface Removed {
  deleted: string[];
  failed: RemovalFailure[];
  /** How long the slowest DELETE Glance answered 204 took, in ms. */
  slowestMs: number;
}

export interface RevocationPolicy {
  /** DELETEs per member at most. */
  attempts: number;
  /** Wait before the DELETE of attempt n + 1 (index n - 1), so that a racing write has landed. */
  backoffMs: readonly number[];
  /** The longest wait between the DELETEs and the read (the slowest DELETE's time otherwise). */
  maxSettleMs: number;
}

/** Three DELETEs, a quarter and then a full second apart: a racing PUT is usually milliseconds long. */
export const revocationPolicy: RevocationPolicy = {
  attempts: 3,
  backoffMs: [250, 1000],
  maxSettleMs: 2000,
};

export interface Revocation {
  failed: RemovalFailure[];
  /** Deleted `attempts` times and listed again each time. */
  cameBack: string[];
}

/** Removes the members, confirms they are gone, removes again what came back (bounded). */
export async function revoke(
  memberIds: string[],
  revoker: Revoker,
  policy: RevocationPolicy = revocationPolicy,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<Revocation> {
  const failed: RemovalFailure[] = [];
  let pending = memberIds;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const removed = await revoker.remove(pending);
    failed.push(...removed.failed);
    if (removed.deleted.length === 0) {
      break;
    }
    await sleep(Math.min(removed.slowestMs, policy.maxSettleMs));
    const confirmed = await revoker.stillListed(removed.deleted);
    failed.push(...confirmed.failed);
    if (confirmed.listed.length > 0 && attempt >= policy.attempts) {
      return { failed, cameBack: confirmed.listed };
    }
    pending = confirmed.listed;
    if (pending.length > 0) {
      await sleep(policy.backoffMs[Math.min(attempt, policy.backoffMs.length) - 1] ?? 0);
    }
  }
  return { failed, cameBack: [] };
}

/** The error for members that kept coming back: which, why, and what to do. */
export function cameBackError(
  resource: OwnerResource,
  imageId: string,
  memberIds: string[],
  policy: RevocationPolicy = revocationPolicy,
): ProviderError {
  const one = memberIds.length === 1;
  const projects = `${one ? "project" : "projects"} ${memberIds.join(", ")}`;
  return fail(
    `Cannot stop sharing image ${imageId} with ${projects}`,
    `the image service answered each of ${policy.attempts} DELETEs as done, but listed ` +
      `${one ? "the membership" : "the memberships"} again every time: the member ` +
      `${one ? "project is" : "projects are"} setting ${one ? "its" : "their"} status (an ` +
      `ImageMemberAcceptance, openstack image set --accept) at the same moment, and Glance ` +
      `writes a membership back when that change meets its removal. ${one ? "It keeps" : "They keep"} ` +
      `access to image ${imageId} and ${one ? "stays" : "stay"} in this ${resource}'s state. Stop ` +
      `what sets the status of ${projects} for this image (its stack or pipeline), then run ` +
      `pulumi again; openstack image member list ${imageId} shows what Glance holds.`,
  );
}
