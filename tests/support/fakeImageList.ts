/**
 * `GET /v2/images` of the fake Glance, as Glance 25's images API and its database query
 * answer a project that is not admin: the `visibility`, `member_status` (default `accepted`),
 * `owner` (a column filter: exact project id) and `name` filters (`eq:`/`in:` operators), `limit` (default `limit_param_default`, capped by
 * `api_limit_max`), `marker`, newest first, and a `next` link whenever a page is full.
 */

export interface ListableImage {
  id: string;
  owner: string;
  name: string | null;
  visibility: "shared" | "private" | "public" | "community";
  created_at: string;
  updated_at: string;
}

export interface ListableMember {
  member_id: string;
  status: "pending" | "accepted" | "rejected";
}

export interface ImageListSettings {
  limitParamDefault: number;
  apiLimitMax: number;
}

export type ListAnswer = { status: 200; body: unknown } | { status: 400; message: string };

const visibilities = ["community", "public", "private", "shared", "all"];
const memberStatuses = ["pending", "accepted", "rejected", "all"];

function bad(message: string): ListAnswer {
  return { status: 400, message };
}

/** Glance's `split_filter_op`: `op:value`, `eq` when there is no colon. */
function nameMatcher(expression: string): ((name: string | null) => boolean) | string {
  const colon = expression.indexOf(":");
  if (colon < 0) return (name) => name === expression;
  const op = expression.slice(0, colon);
  const value = expression.slice(colon + 1);
  if (op === "eq") return (name) => name === value;
  if (op === "in") {
    const names = value.split(",").map((v) => v.replace(/^"(.*)"$/, "$1"));
    return (name) => name !== null && names.includes(name);
  }
  return `Unable to filter by unknown operator '${op}'.`;
}

/** Newest first, then by id descending: Glance's default sort keys. */
function compare(a: ListableImage, b: ListableImage): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function listImages(
  images: ListableImage[],
  membersOf: (imageId: string) => ListableMember[],
  caller: string,
  query: URLSearchParams,
  settings: ImageListSettings,
): ListAnswer {
  const memberStatus = query.get("member_status") ?? "accepted";
  if (!memberStatuses.includes(memberStatus)) return bad(`Invalid status: ${memberStatus}`);
  const visibility = query.get("visibility");
  if (visibility && !visibilities.includes(visibility)) {
    return bad(`Invalid visibility value: ${visibility}`);
  }
  let limit = settings.limitParamDefault;
  const limitParam = query.get("limit");
  if (limitParam !== null) {
    if (!/^-?\d+$/.test(limitParam)) return bad("limit param must be an integer");
    limit = Number(limitParam);
    if (limit < 0) return bad("limit param must be positive");
  }
  limit = Math.min(settings.apiLimitMax, limit);
  const nameParam = query.get("name");
  const byName = nameParam === null ? () => true : nameMatcher(nameParam);
  if (typeof byName === "string") return bad(byName);
  const owner = query.get("owner");

  const selected = images
    .filter(
      (image) =>
        image.visibility === "public" ||
        image.visibility === "community" ||
        image.owner === caller ||
        (image.visibility === "shared" &&
          membersOf(image.id).some(
            (m) => m.member_id === caller && (memberStatus === "all" || m.status === memberStatus),
          )),
    )
    .filter((image) =>
      visibility
        ? visibility === "all" || image.visibility === visibility
        : image.owner === caller || image.visibility !== "community",
    )
    .filter((image) => byName(image.name))
    .filter((image) => owner === null || image.owner === owner)
    .sort(compare);

  let start = 0;
  const marker = query.get("marker");
  if (marker !== null) {
    const markerImage = images.find((i) => i.id === marker);
    if (!markerImage) return bad(`Image ${marker} not found.`);
    start = selected.findIndex((image) => compare(image, markerImage) > 0);
    if (start < 0) start = selected.length;
  }
  const page = selected.slice(start, start + limit);

  const params = new URLSearchParams(query);
  params.delete("marker");
  const first = params.toString();
  const body: Record<string, unknown> = {
    images: page.map((image) => ({
      id: image.id,
      name: image.name,
      owner: image.owner,
      visibility: image.visibility,
      status: "active",
      created_at: image.created_at,
      updated_at: image.updated_at,
      self: `/v2/images/${image.id}`,
      schema: "/v2/schemas/image",
    })),
    first: first ? `/v2/images?${first}` : "/v2/images",
    schema: "/v2/schemas/images",
  };
  // Glance gives a next link whenever the page is full, even if nothing follows.
  if (page.length !== 0 && page.length === limit) {
    params.set("marker", page[page.length - 1].id);
    body.next = `/v2/images?${params.toString()}`;
  }
  return { status: 200, body };
}
