import { ServiceConnection } from "../../transport/serviceConnection";
import { Member, MemberStatus, parseMember, parseMemberList } from "./results";
import { memberUrl, membersUrl } from "./urls";

/** `POST /v2/images/{image_id}/members`: shares the image with a project (status `pending`). */
export async function createMember(
  glance: ServiceConnection,
  imageId: string,
  memberId: string,
): Promise<Member> {
  const response = await glance.http.request({
    method: "POST",
    url: membersUrl(glance.endpoint, imageId),
    json: { member: memberId },
    authorizer: glance.authorizer,
  });
  return parseMember(response.body);
}

export async function getMember(
  glance: ServiceConnection,
  imageId: string,
  memberId: string,
): Promise<Member> {
  const response = await glance.http.request({
    method: "GET",
    url: memberUrl(glance.endpoint, imageId, memberId),
    authorizer: glance.authorizer,
  });
  return parseMember(response.body);
}

export async function listMembers(glance: ServiceConnection, imageId: string): Promise<Member[]> {
  const response = await glance.http.request({
    method: "GET",
    url: membersUrl(glance.endpoint, imageId),
    authorizer: glance.authorizer,
  });
  return parseMemberList(response.body);
}

export interface StatusOptions {
  /** Huawei Cloud: the CBR vault of a full-ECS image made from a backup. */
  vaultId?: string;
}

/** `PUT .../members/{member_id}`: only the member project (or an admin) may do this. */
export async function updateMemberStatus(
  glance: ServiceConnection,
  imageId: string,
  memberId: string,
  status: MemberStatus,
  options: StatusOptions = {},
): Promise<Member> {
  const response = await glance.http.request({
    method: "PUT",
    url: memberUrl(glance.endpoint, imageId, memberId),
    json: { status, ...(options.vaultId ? { vault_id: options.vaultId } : {}) },
    authorizer: glance.authorizer,
  });
  return parseMember(response.body);
}

/** `DELETE .../members/{member_id}`: only the image owner may do this. */
export async function deleteMember(
  glance: ServiceConnection,
  imageId: string,
  memberId: string,
): Promise<void> {
  await glance.http.request({
    method: "DELETE",
    url: memberUrl(glance.endpoint, imageId, memberId),
    authorizer: glance.authorizer,
  });
}
