import { ServiceConnection } from "../../transport/serviceConnection";
import { MemberStatus } from "../members/results";
import { ImagePage, ListedImage, parseImagePage, UnexpectedImageListAnswer } from "./results";
import { imagesUrl, imageUrl } from "./urls";

/** The parts of an image that explain why sharing it failed. */
export interface ImageSummary {
  id: string;
  name?: string;
  visibility?: string;
  owner?: string;
  status?: string;
}

export async function getImage(glance: ServiceConnection, imageId: string): Promise<ImageSummary> {
  const response = await glance.http.request({
    method: "GET",
    url: imageUrl(glance.endpoint, imageId),
    authorizer: glance.authorizer,
  });
  const body = (response.body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    id: text(body.id) ?? imageId,
    name: text(body.name),
    visibility: text(body.visibility),
    owner: text(body.owner),
    status: text(body.status),
  };
}

/** Filters of `GET /v2/images`, as Glance names them. */
export interface ListImagesOptions {
  visibility?: "public" | "private" | "shared" | "community" | "all";
  /** With `visibility: "shared"`: the caller's membership status; Glance's default is `accepted`. */
  memberStatus?: MemberStatus | "all";
  /** Exact name. */
  name?: string;
  /** Only images of this project (Glance's `owner` filter, a project id). */
  owner?: string;
  /** Images per page; the server's default (`limit_param_default`, capped by `api_limit_max`) otherwise. */
  limit?: number;
}

/**
 * Glance reads `name=a:b` as the operator `a` applied to `b` (and fails), and `name=in:x,y` as
 * a list; `eq:` makes any name mean itself. Plain names are sent plain, as every client does.
 */
export function nameFilterValue(name: string): string {
  return name.includes(":") ? `eq:${name}` : name;
}

/** `GET /v2/images` with filters: one page. */
export async function listImagesPage(glance: ServiceConnection, url: string): Promise<ImagePage> {
  const response = await glance.http.request({ method: "GET", url, authorizer: glance.authorizer });
  return parseImagePage(response.body);
}

/**
 * Glance's `next` is a path from the server's root (`/v2/images?...&marker=<id>`), which loses
 * the path of an endpoint such as `https://host/image`. As gophercloud does, the next page is
 * our own images URL with the query of `next`.
 */
export function nextPageUrl(endpoint: string, next: string): string {
  return `${imagesUrl(endpoint)}${new URL(next, "http://next.invalid").search}`;
}

/**
 * `GET /v2/images` with filters, following the `next` links (`limit`/`marker` paging) to the
 * last page. An image listed twice (the listing changed between pages) is kept once.
 */
export async function listImages(
  glance: ServiceConnection,
  options: ListImagesOptions = {},
): Promise<ListedImage[]> {
  const query = new URLSearchParams();
  if (options.visibility) query.set("visibility", options.visibility);
  if (options.memberStatus) query.set("member_status", options.memberStatus);
  if (options.name !== undefined) query.set("name", nameFilterValue(options.name));
  if (options.owner !== undefined) query.set("owner", options.owner);
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  const search = query.toString();
  let url = `${imagesUrl(glance.endpoint)}${search ? `?${search}` : ""}`;
  const byId = new Map<string, ListedImage>();
  const markers = new Set<string>();
  for (;;) {
    const page = await listImagesPage(glance, url);
    for (const image of page.images) {
      if (!byId.has(image.id)) byId.set(image.id, image);
    }
    if (!page.next) return [...byId.values()];
    url = nextPageUrl(glance.endpoint, page.next);
    const marker = new URL(url).searchParams.get("marker");
    if (!marker || markers.has(marker)) {
      throw new UnexpectedImageListAnswer(
        `the image service's image list does not advance: its "next" link ` +
          `${JSON.stringify(page.next.slice(0, 200))} ` +
          (marker ? `repeats the marker ${marker}` : "has no marker") +
          `, after ${byId.size} image(s) in ${markers.size + 1} page(s); report this to the cloud's operators`,
      );
    }
    markers.add(marker);
  }
}
