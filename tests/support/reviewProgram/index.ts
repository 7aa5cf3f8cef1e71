/**
 * The program recordReviewFixtures.ts previews: the package's three ways to share an image, one
 * image each (Glance keeps one member row per project and image), driven by stack config so a
 * "pull request" is a config change.
 *
 *   members: { name: projectId }   one ImageMember per entry on memberImageId, `share-with-<name>`
 *   list:    [projectId, ...]      one ImageMembers `many` (the list form) on listImageId
 *   share:   [projectId, ...]      one ImageShare `golden` (an ImageMember per project) on shareImageId
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMembers, ImageShare } from "../../../provider";

const config = new pulumi.Config();

for (const [name, memberId] of Object.entries(
  config.requireObject<Record<string, string>>("members"),
)) {
  new ImageMember(`share-with-${name}`, { imageId: config.require("memberImageId"), memberId });
}
new ImageMembers("many", {
  imageId: config.require("listImageId"),
  memberIds: config.requireObject<string[]>("list"),
});
new ImageShare("golden", {
  imageId: config.require("shareImageId"),
  memberIds: config.requireObject<string[]>("share"),
});
