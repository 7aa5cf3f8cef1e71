/** One membership: an image and a project. Both resources are identified by it. */
export interface MemberRef {
  imageId: string;
  memberId: string;
}

/** The resource id, `<imageId>/<memberId>` (a member id never contains `/`, check refuses it). */
export function resourceId(ref: MemberRef): string {
  return `${ref.imageId}/${ref.memberId}`;
}

/** The membership named by the properties, or else by the resource id (as on import). */
export function memberRefOf(
  id: string,
  props: Partial<MemberRef>,
  resourceType: string,
): MemberRef {
  if (props.imageId && props.memberId) {
    return { imageId: props.imageId, memberId: props.memberId };
  }
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) {
    throw new Error(`"${id}" is not an ${resourceType} id; expected "<imageId>/<memberId>"`);
  }
  return { imageId: id.slice(0, slash), memberId: id.slice(slash + 1) };
}
