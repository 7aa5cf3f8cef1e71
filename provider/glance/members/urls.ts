// Every id is escaped: `check` refuses ids with `/`, but an id read from state or typed by
// hand must still never change which URL is called.

import { imageUrl } from "../images/urls";

export function membersUrl(endpoint: string, imageId: string): string {
  return `${imageUrl(endpoint, imageId)}/members`;
}

export function memberUrl(endpoint: string, imageId: string, memberId: string): string {
  return `${membersUrl(endpoint, imageId)}/${encodeURIComponent(memberId)}`;
}
