/**
 * The program recordReviewFixtures.ts previews: each of the package's ways to share one image,
 * driven by stack config so a "pull request" is a config change.
 *
 *   members: { name: projectId }   one ImageMember per entry, named `share-with-<name>`
 *   list:    [projectId, ...]      one ImageMembers `many` (the list form)
 *   share:   [projectId, ...]      one ImageShare `golden` (an ImageMember child per project)
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMembers, ImageShare } from "../../../provider";

const config = new pulumi.Config();
const imageId = config.require("imageId");

for (const [name, memberId] of Object.entries(
  config.requireObject<Record<string, string>>("members"),
)) {
  new ImageMember(`share-with-${name}`, { imageId, memberId });
}
new ImageMembers("many", { imageId, memberIds: config.requireObject<string[]>("list") });
new ImageShare("golden", { imageId, memberIds: config.requireObject<string[]>("share") });
