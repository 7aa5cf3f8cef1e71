/**
 * The owner's side and the member's side of the same memberships (see Pulumi.yaml): the
 * owner's stack shares (or, with `share: false`, no longer shares) each image of `imageIds`
 * with `memberId`; the member's stack sets that project's status on each (`statuses`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMemberAcceptance, ImageMembers } from "../../../../provider";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const memberId = config.require("memberId");

if (config.require("role") === "owner") {
  const share = config.getBoolean("share") ?? true;
  imageIds.forEach((imageId, i) => {
    if (i % 2 === 1) {
      // Kept with no project when not sharing: the removal is an update of the resource.
      new ImageMembers(`members-${i}`, { imageId, projects: share ? { member: memberId } : {} });
    } else if (share) {
      new ImageMember(`member-${i}`, { imageId, memberId });
    }
  });
} else {
  const statuses = config.requireObject<("accepted" | "rejected")[]>("statuses");
  imageIds.forEach((imageId, i) => {
    new ImageMemberAcceptance(`status-${i}`, { imageId, memberId, status: statuses[i] });
  });
}
