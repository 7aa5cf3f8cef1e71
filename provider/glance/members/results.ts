/** The status of an image member as Glance reports it. */
export type MemberStatus = "pending" | "accepted" | "rejected";

export const memberStatuses: readonly MemberStatus[] = ["pending", "accepted", "rejected"];

/** An image membership as Glance (and Huawei IMS) returns it. */
export interface Member {
  imageId: string;
  memberId: string;
  status: MemberStatus;
  createdAt: string;
  updatedAt: string;
  schema: string;
}

interface MemberBody {
  image_id?: unknown;
  member_id?: unknown;
  status?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  schema?: unknown;
}

export function parseMember(body: unknown): Member {
  const raw = (body ?? {}) as MemberBody;
  if (typeof raw.member_id !== "string" || typeof raw.image_id !== "string") {
    throw new Error(
      `unexpected member body from the image service: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  const status = String(raw.status) as MemberStatus;
  return {
    imageId: raw.image_id,
    memberId: raw.member_id,
    status,
    createdAt: String(raw.created_at ?? ""),
    updatedAt: String(raw.updated_at ?? ""),
    schema: String(raw.schema ?? "/v2/schemas/member"),
  };
}

export function parseMemberList(body: unknown): Member[] {
  const members = (body as { members?: unknown[] } | undefined)?.members;
  if (!Array.isArray(members)) {
    throw new Error(
      `unexpected member list from the image service: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return members.map(parseMember);
}
