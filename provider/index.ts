import { warnOnOldNode } from "./nodeVersion";

warnOnOldNode();

export { ImageMember } from "./resources/imageMember/resource";
export type { ImageMemberArgs } from "./resources/imageMember/resource";
export { ImageMemberProvider } from "./resources/imageMember/provider";
export type { ImageMemberInputs, ImageMemberOutputs } from "./resources/imageMember/provider";
export { ImageMemberAcceptance } from "./resources/imageMemberAcceptance/resource";
export type { ImageMemberAcceptanceArgs } from "./resources/imageMemberAcceptance/resource";
export type { MemberAcceptanceArgs } from "./resources/imageMemberAcceptance/shareAcceptances";
export { ImageMemberAcceptanceProvider } from "./resources/imageMemberAcceptance/provider";
export type {
  ImageMemberAcceptanceInputs,
  ImageMemberAcceptanceOutputs,
} from "./resources/imageMemberAcceptance/provider";
export { ImageMembers } from "./resources/imageMembers/resource";
export type { ImageMembersArgs } from "./resources/imageMembers/resource";
export { ImageMembersProvider } from "./resources/imageMembers/provider";
export type {
  ImageMembersInputs,
  ImageMembersMember,
  ImageMembersOutputs,
} from "./resources/imageMembers/provider";
export type { ProjectsByLabel } from "./resources/imageMembers/types";
export { ImageShare } from "./resources/imageShare/component";
export type { ImageShareArgs, SharedMember } from "./resources/imageShare/component";
export type { MemberStatus } from "./glance/members/results";
export { ConfigurationError } from "./identity/configurationError";
export { ProviderError } from "./core/explain";
export { getImageMembers, getImageMembersOutput } from "./functions/getImageMembers";
export type {
  GetImageMembersArgs,
  GetImageMembersOutputArgs,
  GetImageMembersResult,
  ImageMemberInfo,
} from "./functions/getImageMembers";
export { getSharedImages, getSharedImagesOutput } from "./functions/getSharedImages";
export type {
  GetSharedImagesArgs,
  GetSharedImagesOutputArgs,
  GetSharedImagesResult,
  SharedImage,
  SharedImageStatus,
} from "./functions/getSharedImages";
