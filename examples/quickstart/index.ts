import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ImageMember } from "pulumi-image-members";
import { ImageMember } from "../../provider";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const memberIds: string[] = config.requireObject("memberIds");

const members = memberIds.map(
  (memberId) => new ImageMember(`share-with-${memberId.slice(0, 8)}`, { imageId, memberId }),
);

export const shared = members.map((member) => ({
  memberId: member.memberId,
  status: member.status,
}));
