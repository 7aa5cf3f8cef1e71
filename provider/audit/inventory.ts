/**
 * What the cloud holds: every image of the owner project with visibility `shared` (Glance's
 * paged `GET /v2/images`, every page) and each one's members with their status and dates.
 * Reads only, through the Glance client; never builds a URL itself.
 */
import { ListedImage, listImages, listMembers, Member } from "../glance";
import { ServiceConnection } from "../transport/serviceConnection";
import { ApiError } from "../transport/errors";

/** A shared image and its members, as Glance lists them now. */
export interface SharedImage {
  image: ListedImage;
  members: Member[];
}

/** An image listed as shared that was gone or no longer shared when its members were read. */
export interface SkippedImage {
  image: ListedImage;
  reason: string;
}

export interface Inventory {
  images: SharedImage[];
  skipped: SkippedImage[];
}

export interface InventoryOptions {
  /** Images per page; Glance's default (`limit_param_default`, 25) otherwise. */
  pageSize?: number;
  /** Member lists read at once. */
  concurrency?: number;
}

/** Runs `work` on every item, at most `limit` at a time, keeping the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The owner project's shared images and their members. */
export async function readInventory(
  glance: ServiceConnection,
  owner: string,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const listed = await listImages(glance, {
    visibility: "shared",
    owner,
    ...(options.pageSize === undefined ? {} : { limit: options.pageSize }),
  });
  // Glance's owner filter already keeps the project's own; a cloud that ignored it would
  // also list images shared *with* the project, whose member lists are not ours to audit.
  const own = listed.filter((image) => image.owner === owner && image.visibility === "shared");
  const read = await mapLimited(own, options.concurrency ?? 8, async (image) => {
    try {
      return { image, members: await listMembers(glance, image.id) };
    } catch (error) {
      // Deleted (404) or made private (403) between the listing and this read: no grant left.
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
        return { image, reason: error.status === 404 ? "deleted" : "no longer shared" };
      }
      throw error;
    }
  });
  return {
    images: read.filter((entry): entry is SharedImage => "members" in entry),
    skipped: read.filter((entry): entry is SkippedImage => "reason" in entry),
  };
}
