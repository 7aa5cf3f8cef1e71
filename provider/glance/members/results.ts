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

/**
 * A success answer whose body is not a usable member. The request was served (a POST did
 * create the membership); only its answer cannot be used.
 */
export class UnexpectedMemberAnswer extends Error {
  override name = "UnexpectedMemberAnswer";
}

function isMemberStatus(value: unknown): value is MemberStatus {
  return memberStatuses.includes(value as MemberStatus);
}

export function parseMember(body: unknown): Member {
  const raw = (body ?? {}) as MemberBody;
  if (typeof raw.member_id !== "string" || typeof raw.image_id !== "string") {
    throw new UnexpectedMemberAnswer(
      `unexpected member body from the image service: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  if (!isMemberStatus(raw.status)) {
    const shown = JSON.stringify(raw.status ?? null).slice(0, 60);
    throw new UnexpectedMemberAnswer(
      `the image service gave the membership of project ${raw.member_id} in image ${raw.image_id} ` +
        `the status ${shown}, which is none of ${memberStatuses.map((s) => `"${s}"`).join(", ")}; ` +
        `this answer cannot be used. Check that the endpoint is a Glance v2 (or IMS) image service, and ` +
        `report this answer to the cloud's operators`,
    );
  }
  return {
    imageId: raw.image_id,
    memberId: raw.member_id,
    status: raw.status,
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
