/**
 * Each grant the cloud holds, marked against what the stacks declare: declared by a stack
 * (`managed`), declared by none (`unmanaged`), or impossible to tell because a stack's list on
 * that image is secret in its export (`undetermined`); and members still `pending` after the
 * given number of days.
 */
import type { MemberStatus } from "../glance";
import { projectIdPattern } from "../identity/projectId";
import type { Inventory, SkippedImage } from "./inventory";
import type { Declarations, Declarer } from "./stackExport";

export type GrantState = "unmanaged" | "undetermined" | "managed";

/** One member of one shared image, with what the stacks say about it. */
export interface AuditedGrant {
  imageId: string;
  imageName?: string;
  memberId: string;
  status: MemberStatus;
  createdAt: string;
  updatedAt: string;
  state: GrantState;
  /** The resources declaring it (managed). */
  declaredBy: Declarer[];
  /** Undetermined: the resources whose list (or image) cannot be read. */
  opaqueBy: Declarer[];
  /** Unmanaged: `ImageMembers` holding the image exclusively (their next `up` removes it). */
  exclusiveBy: Declarer[];
  /** Set when pending for longer than the threshold: whole days since it was granted. */
  pendingForDays?: number;
  /** Whether the member id has the shape of a project id (32 lowercase hexadecimal characters). */
  looksLikeProjectId: boolean;
}

export interface Audit {
  /** The owner project audited. */
  project: string;
  stacks: Declarations["stacks"];
  /** Shared images read (with members or not). */
  images: number;
  imagesWithoutMembers: number;
  /** Unmanaged first, then undetermined, then managed; by image, then project. */
  grants: AuditedGrant[];
  skipped: SkippedImage[];
  /** The `--pending-days` threshold, when given. */
  pendingDays?: number;
}

const dayMs = 24 * 3600_000;

const stateOrder: Record<GrantState, number> = { unmanaged: 0, undetermined: 1, managed: 2 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Marks every grant of `inventory` against `declarations`. `now` is for tests. */
export function classify(
  project: string,
  inventory: Inventory,
  declarations: Declarations,
  options: { pendingDays?: number; now?: Date } = {},
): Audit {
  const now = (options.now ?? new Date()).getTime();
  const grants: AuditedGrant[] = [];
  for (const { image, members } of inventory.images) {
    const declared = declarations.grants.get(image.id);
    const opaque = [...(declarations.opaque.get(image.id) ?? []), ...declarations.unreadable];
    for (const member of members) {
      const declaredBy = declared?.get(member.memberId) ?? [];
      const state: GrantState =
        declaredBy.length > 0 ? "managed" : opaque.length > 0 ? "undetermined" : "unmanaged";
      const grantedAt = Date.parse(member.createdAt);
      const pendingMs = now - grantedAt;
      const stale =
        options.pendingDays !== undefined &&
        member.status === "pending" &&
        Number.isFinite(grantedAt) &&
        pendingMs > options.pendingDays * dayMs;
      grants.push({
        imageId: image.id,
        ...(image.name ? { imageName: image.name } : {}),
        memberId: member.memberId,
        status: member.status,
        createdAt: member.createdAt,
        updatedAt: member.updatedAt,
        state,
        declaredBy,
        opaqueBy: state === "undetermined" ? opaque : [],
        exclusiveBy: state === "managed" ? [] : (declarations.exclusive.get(image.id) ?? []),
        ...(stale ? { pendingForDays: Math.floor(pendingMs / dayMs) } : {}),
        looksLikeProjectId: projectIdPattern.test(member.memberId),
      });
    }
  }
  grants.sort(
    (a, b) =>
      stateOrder[a.state] - stateOrder[b.state] ||
      compareText(a.imageName ?? "", b.imageName ?? "") ||
      compareText(a.imageId, b.imageId) ||
      compareText(a.memberId, b.memberId),
  );
  return {
    project,
    stacks: declarations.stacks,
    images: inventory.images.length,
    imagesWithoutMembers: inventory.images.filter((entry) => entry.members.length === 0).length,
    grants,
    skipped: inventory.skipped,
    ...(options.pendingDays === undefined ? {} : { pendingDays: options.pendingDays }),
  };
}
