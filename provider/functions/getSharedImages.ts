import * as pulumi from "@pulumi/pulumi";
import { getMember, listImages, ListedImage, MemberStatus, memberStatuses } from "../glance";
import { ApiError } from "../transport/errors";
import { fail, serverEvidence } from "../core/explain";
import { withCloud } from "../core/cloudIdentity";
import { connectForLookup, explainLookupFailure } from "./lookupConnection";

/** Which memberships {@link getSharedImages} lists: one status, or `all`. */
export type SharedImageStatus = MemberStatus | "all";

const allowedStatuses: readonly SharedImageStatus[] = [...memberStatuses, "all"];

/** The arguments of {@link getSharedImages}. */
export interface GetSharedImagesArgs {
  /**
   * This project's membership status to list: `accepted` (the default, as Glance's own),
   * `pending`, `rejected` or `all`.
   */
  status?: SharedImageStatus | undefined;
  /** Only images with exactly this name. */
  name?: string | undefined;
  /** Region whose image service to ask; defaults to the configured region. */
  region?: string | undefined;
  /** A clouds.yaml entry whose credentials to use instead of the stack's. */
  cloud?: string | undefined;
}

/** The arguments of {@link getSharedImagesOutput}: those of {@link getSharedImages}, as inputs. */
export interface GetSharedImagesOutputArgs {
  /** As {@link GetSharedImagesArgs.status}. */
  status?: pulumi.Input<SharedImageStatus | undefined> | undefined;
  /** Only images with exactly this name. */
  name?: pulumi.Input<string | undefined> | undefined;
  /** Region whose image service to ask; defaults to the configured region. */
  region?: pulumi.Input<string | undefined> | undefined;
  /** A clouds.yaml entry whose credentials to use instead of the stack's. */
  cloud?: pulumi.Input<string | undefined> | undefined;
}

/** One image shared with this project, as {@link getSharedImages} returns it. */
export interface SharedImage {
  /** The image id. */
  id: string;
  /** The image name (Glance allows none). */
  name?: string;
  /** The project that owns the image and shared it. */
  ownerProjectId: string;
  /** This project's membership status. */
  status: MemberStatus;
  /** The image's visibility (`shared`). */
  visibility: string;
  /** When the image was created (ISO 8601, UTC). */
  createdAt: string;
  /** When the image last changed (ISO 8601, UTC). */
  updatedAt: string;
}

/** The result of {@link getSharedImages}. */
export interface GetSharedImagesResult {
  /** The status asked for (`accepted` when none was given). */
  status: SharedImageStatus;
  /** The name asked for, if any. */
  name?: string;
  /** The images, newest first (Glance's own order). */
  images: SharedImage[];
}

function validate(args: GetSharedImagesArgs): { status: SharedImageStatus; name?: string } {
  const status = args.status ?? "accepted";
  if (!allowedStatuses.includes(status)) {
    throw fail(
      "getSharedImages",
      `status must be one of ${allowedStatuses.map((s) => `"${s}"`).join(", ")}; got ` +
        `${JSON.stringify(status)}. Leave it out for the accepted images`,
    );
  }
  if (args.name !== undefined && (typeof args.name !== "string" || args.name === "")) {
    throw fail(
      "getSharedImages",
      `name must be a non-empty string; got ${JSON.stringify(args.name)}. Leave it out to list ` +
        `the shared images of every name`,
    );
  }
  return args.name === undefined ? { status } : { status, name: args.name };
}

function newestFirst(a: SharedImage, b: SharedImage): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The images other projects share with the credentials' project (Glance's
 * `GET /v2/images?visibility=shared&member_status=...`), following every page, read-only.
 * `status` defaults to `accepted`, as Glance's and Terraform's `member_status` filter do: those
 * are the images this project agreed to use; `pending` ones are offers not yet answered.
 * The project's own shared images, which Glance lists too, are left out. Credentials and the
 * one authentication per process are the provider's (see {@link getImageMembers}).
 *
 * With admin credentials Glance lists every shared image of the cloud whatever the
 * membership; use the member project's own credentials.
 *
 * ```ts
 * const golden = (await getSharedImages({ name: "golden" })).images[0];
 * ```
 */
export async function getSharedImages(
  args: GetSharedImagesArgs = {},
): Promise<GetSharedImagesResult> {
  const given = args ?? {};
  const { status, name } = validate(given);
  const asked = `status "${status}"` + (name === undefined ? "" : `, name "${name}"`);
  const headline = `Cannot list the images shared with this project (${asked})${withCloud(given.cloud)}`;
  const { session, glance } = await connectForLookup(given, headline);
  try {
    const projectId = await session.projectId();
    if (!projectId) {
      throw fail(
        headline,
        "the project the credentials act for is not known, so the images it shares itself " +
          "cannot be told from those shared with it. Scope the credentials to a project " +
          "(openstack:projectId / OS_PROJECT_ID, or HW_PROJECT_ID with access keys).",
      );
    }
    const found = new Map<string, SharedImage>();
    const changed = new Set<string>();
    for (const memberStatus of status === "all" ? memberStatuses : [status]) {
      const listed = await listImages(glance, { visibility: "shared", memberStatus, name });
      for (const image of listed.filter((i) => i.owner !== projectId)) {
        if (found.has(image.id)) changed.add(image.id);
        found.set(image.id, sharedImage(image, memberStatus));
      }
    }
    // Listed under two statuses: the membership changed between the listings; ask it.
    for (const id of changed) {
      found.get(id)!.status = (await getMember(glance, id, projectId)).status;
    }
    const images = [...found.values()].sort(newestFirst);
    return name === undefined ? { status, images } : { status, name, images };
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      throw fail(
        headline,
        "the image service refused the filters. Check the name, and that the endpoint is a " +
          "Glance v2 (or IMS) image service that supports member_status.",
        serverEvidence(error),
      );
    }
    throw explainLookupFailure(error, headline);
  }
}

function sharedImage(image: ListedImage, status: MemberStatus): SharedImage {
  return {
    id: image.id,
    ...(image.name === undefined ? {} : { name: image.name }),
    ownerProjectId: image.owner ?? "",
    status,
    visibility: image.visibility ?? "shared",
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
  };
}

/**
 * {@link getSharedImages} taking inputs and returning an output, as Pulumi's functions do:
 * it runs once the inputs are known and keeps their dependencies and secrecy.
 */
export function getSharedImagesOutput(
  args: pulumi.Input<GetSharedImagesOutputArgs> = {},
): pulumi.Output<GetSharedImagesResult> {
  return pulumi.output(args).apply((resolved) => getSharedImages(resolved));
}
