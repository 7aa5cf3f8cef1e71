/* eslint-disable @typescript-eslint/no-require-imports -- each implementation loads on first use */
/**
 * The implementations the serialized providers load at run time, one instance each per
 * process (Node's module cache makes them singletons). Each loads when first asked for: the
 * engine starts one dynamic-provider process per stack, and a stack of `ImageMember`s alone
 * then never compiles the modules only `ImageMembers` or `ImageMemberAcceptance` use.
 */
import type { ImageMemberProvider } from "../resources/imageMember/provider";
import type { ImageMemberAcceptanceProvider } from "../resources/imageMemberAcceptance/provider";
import type { ImageMembersProvider } from "../resources/imageMembers/provider";

export declare const imageMember: ImageMemberProvider;
export declare const imageMemberAcceptance: ImageMemberAcceptanceProvider;
export declare const imageMembers: ImageMembersProvider;

const factories: Record<string, () => unknown> = {
  imageMember: () => new (require("../resources/imageMember/provider").ImageMemberProvider)(),
  imageMemberAcceptance: () =>
    new (require("../resources/imageMemberAcceptance/provider").ImageMemberAcceptanceProvider)(),
  imageMembers: () => new (require("../resources/imageMembers/provider").ImageMembersProvider)(),
};
for (const [name, create] of Object.entries(factories)) {
  let instance: unknown;
  Object.defineProperty(exports, name, {
    enumerable: true,
    get: () => (instance ??= create()),
  });
}
