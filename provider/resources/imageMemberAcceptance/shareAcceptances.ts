import * as pulumi from "@pulumi/pulumi";
import { ImageMemberAcceptance } from "./resource";

/**
 * The member project's half of a share, declared beside the owner's: which clouds.yaml entry
 * holds that project's credentials, and the status to set with them.
 */
export interface MemberAcceptanceArgs {
  /** The clouds.yaml entry whose credentials are scoped to the member project. */
  cloud: string;
  /** The status to set: `accepted` (the default), `rejected` or `pending`. */
  status?: "accepted" | "rejected" | "pending" | undefined;
  /** What the status goes back to before the share is removed: `rejected` (default) or `pending`. */
  statusOnDelete?: "rejected" | "pending" | undefined;
}

/** One acceptance to declare: its key in `accept`, and the member project it is for. */
export interface AcceptanceToDeclare {
  key: string;
  memberId: pulumi.Input<string>;
  args: MemberAcceptanceArgs;
  /** The resource sharing the image with that project: parent of the acceptance and its dependency. */
  share: pulumi.Resource;
}

const statuses = ["accepted", "rejected", "pending"];
const statusesOnDelete = ["rejected", "pending"];

/**
 * `accept` as the program gave it, checked before anything is registered: a plain map from a
 * member (its label or project id) to `{ cloud, status? }`. Throws what is wrong and how to fix it.
 */
export function checkAccept(
  owner: string,
  accept: unknown,
): Record<string, MemberAcceptanceArgs> | undefined {
  if (accept === undefined || accept === null) {
    return undefined;
  }
  if (typeof accept !== "object" || Array.isArray(accept)) {
    throw new Error(
      `${owner}: accept must map each member to accept to { cloud: "<clouds.yaml entry>" }, ` +
        `like { ops: { cloud: "ops" } }; got ${Array.isArray(accept) ? "a list" : typeof accept}`,
    );
  }
  for (const [key, value] of Object.entries(accept)) {
    const entry = value as Partial<MemberAcceptanceArgs> | null;
    if (!entry || typeof entry !== "object" || typeof entry.cloud !== "string" || !entry.cloud) {
      throw new Error(
        `${owner}: accept["${key}"] must give the clouds.yaml entry of that member project's ` +
          `credentials, like { cloud: "${key}" }`,
      );
    }
    if (entry.status !== undefined && !statuses.includes(entry.status)) {
      throw new Error(
        `${owner}: accept["${key}"].status must be "accepted", "rejected" or "pending"; got ${JSON.stringify(entry.status)}`,
      );
    }
    if (entry.statusOnDelete !== undefined && !statusesOnDelete.includes(entry.statusOnDelete)) {
      throw new Error(
        `${owner}: accept["${key}"].statusOnDelete must be "rejected" or "pending"; got ${JSON.stringify(entry.statusOnDelete)}`,
      );
    }
  }
  return accept as Record<string, MemberAcceptanceArgs>;
}

/**
 * One `ImageMemberAcceptance` per accepted member, named `<owner>-<key>-accept`, acting with
 * the member's cloud, a child of the resource that shares the image and depending on it: it
 * is created after the share, and deleted (its status reset) before the share is removed.
 */
export function declareAcceptances(
  ownerName: string,
  image: { imageId: pulumi.Input<string>; region?: pulumi.Input<string> | undefined },
  wanted: AcceptanceToDeclare[],
): Record<string, ImageMemberAcceptance> {
  return Object.fromEntries(
    wanted.map(({ key, memberId, args, share }) => [
      key,
      new ImageMemberAcceptance(
        `${ownerName}-${key}-accept`,
        {
          imageId: image.imageId,
          memberId,
          status: args.status ?? "accepted",
          region: image.region,
          cloud: args.cloud,
          statusOnDelete: args.statusOnDelete,
        },
        { parent: share, dependsOn: [share] },
      ),
    ]),
  );
}
