import * as pulumi from "@pulumi/pulumi";
import { ImageMember } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
// A name for each project the image is shared with: the name keeps the resource stable, so
// changing a project id shows as a replacement of that one member in `pulumi preview --diff`.
const members = config.requireObject<Record<string, string>>("members");

const shares = Object.entries(members).map(
  ([name, memberId]) =>
    [name, new ImageMember(`share-with-${name}`, { imageId, memberId })] as const,
);

export const shared = Object.fromEntries(
  shares.map(([name, member]) => [name, { memberId: member.memberId, status: member.status }]),
);
