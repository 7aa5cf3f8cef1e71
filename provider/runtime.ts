/**
 * The implementations the serialized providers load at run time, one instance each per
 * process (Node's module cache makes them singletons).
 */
import { ImageMemberProvider } from "./resources/imageMember/provider";

export const imageMember = new ImageMemberProvider();
