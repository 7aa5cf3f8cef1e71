/**
 * A removal that sticks, for every resource that removes members (the resource as a
 * parameter). Glance can write a membership back after answering its DELETE with 204: when the
 * member project's status PUT meets the owner's DELETE, `image_member_update` reads the row by
 * id without the deleted filter and saves it with `deleted = False` after the delete
 * (docs/failure-modes.md, "A revocation meets a status change"). So after its DELETEs a
 * removal reads Glance once, deletes again what is still listed, and gives up, naming image
 * and members, when they keep coming back: never a "deleted" for an access that still exists.
 */
import { fail, ProviderError } from "./explain";
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
  remove(memberIds: string[]): Promise<{ deleted: string[]; failed: RemovalFailure[] }>;
  /**
   * One read of Glance: which of these members, all deleted just now, it lists again, and
   * those it could not confirm (kept in state: the next run tries again). A 404 is "gone".
   */
  stillListed(memberIds: string[]): Promise<{ listed: string[]; failed: RemovalFailure[] }>;
}

export interface RevocationPolicy {
  /** DELETEs per member at most. */
  attempts: number;
  /** Wait before the DELETE of attempt n + 1 (index n - 1), so that a racing write has landed. */
  backoffMs: readonly number[];
}

/** Three DELETEs, a quarter and then a full second apart: a racing PUT is milliseconds long. */
export const revocationPolicy: RevocationPolicy = { attempts: 3, backoffMs: [250, 1000] };

export interface Revocation {
  failed: RemovalFailure[];
  /** Deleted `attempts` times and listed again each time. */
  cameBack: string[];
  /** DELETEs made for members that came back (0 when none did). */
  redeleted: number;
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
  let redeleted = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 1) {
      redeleted += pending.length;
    }
    const removed = await revoker.remove(pending);
    failed.push(...removed.failed);
    if (removed.deleted.length === 0) {
      break;
    }
    const confirmed = await revoker.stillListed(removed.deleted);
    failed.push(...confirmed.failed);
    if (confirmed.listed.length > 0 && attempt >= policy.attempts) {
      return { failed, cameBack: confirmed.listed, redeleted };
    }
    pending = confirmed.listed;
    if (pending.length > 0) {
      await sleep(policy.backoffMs[Math.min(attempt, policy.backoffMs.length) - 1] ?? 0);
    }
  }
  return { failed, cameBack: [], redeleted };
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

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
