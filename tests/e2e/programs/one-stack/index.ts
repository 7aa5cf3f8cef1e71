import * as pulumi from "@pulumi/pulumi";
import { ImageMembers, ImageShare, MemberAcceptanceArgs } from "../../../../provider";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const cloud = config.get("ownerCloud");
// Given as it is, so a test can name a member the share does not have.
const accept = config.requireObject<Record<string, MemberAcceptanceArgs>>("accept");

// "share": ImageShare with a plain list of project ids, accept keyed by project id.
// "members": ImageMembers with projects by label, accept keyed by label.
const share =
  config.require("kind") === "share"
    ? new ImageShare("golden", {
        imageId,
        cloud,
        memberIds: config.requireObject<string[]>("memberIds"),
        accept,
      })
    : new ImageMembers("golden", {
        imageId,
        cloud,
        projects: config.requireObject<Record<string, string>>("projects"),
        accept,
      });

export const statuses = Object.fromEntries(
  Object.entries(share.acceptances).map(([key, acceptance]) => [key, acceptance.status]),
);
