import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMemberAcceptance, ImageMembers, ImageShare } from "../../../../provider";

const config = new pulumi.Config();

// The owner's side: each resource type that shares an image.
const imageId = config.get("imageId");
if (imageId) {
  new ImageMember("single", { imageId, memberId: config.require("single") });
  new ImageMembers("many", {
    imageId,
    projects: config.requireObject<Record<string, string>>("many"),
  });
  new ImageShare("share", { imageId, memberIds: config.requireObject<string[]>("share") });
}

// The member's side: accepting an image shared with the credentials' project.
const acceptImageId = config.get("acceptImageId");
if (acceptImageId) {
  new ImageMemberAcceptance("accept", {
    imageId: acceptImageId,
    status: config.require("status") as "accepted" | "rejected" | "pending",
  });
}
