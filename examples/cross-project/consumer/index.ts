import * as pulumi from "@pulumi/pulumi";
import { ImageMemberAcceptance } from "pulumi-image-members";

const config = new pulumi.Config();
// The owner's stack, e.g. "organization/image-members-cross-project-owner/prod".
const owner = new pulumi.StackReference(config.require("ownerStack"));

const acceptance = new ImageMemberAcceptance("golden-image", {
  imageId: owner.requireOutput("imageId") as pulumi.Output<string>,
  status: (config.get("status") as "accepted" | "rejected" | "pending" | undefined) ?? "accepted",
  region: config.get("region"),
});

export const status = acceptance.status;
export const memberId = acceptance.memberId;
