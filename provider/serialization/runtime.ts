/**
 * The implementations the serialized providers load at run time, one instance each per
 * process (Node's module cache makes them singletons).
 */
import { ImageMemberProvider } from "../resources/imageMember/provider";
import { ImageMemberAcceptanceProvider } from "../resources/imageMemberAcceptance/provider";
import { ImageMembersProvider } from "../resources/imageMembers/provider";

export const imageMember = new ImageMemberProvider();
export const imageMemberAcceptance = new ImageMemberAcceptanceProvider();
export const imageMembers = new ImageMembersProvider();
