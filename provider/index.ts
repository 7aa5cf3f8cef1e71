export { ImageMember } from "./resources/imageMember/resource";
export type { ImageMemberArgs } from "./resources/imageMember/resource";
export { ImageMemberProvider } from "./resources/imageMember/provider";
export type { ImageMemberInputs, ImageMemberOutputs } from "./resources/imageMember/provider";
export { ConfigurationError } from "./identity/configurationError";
export { ProviderError } from "./resources/common/explain";
