import * as pulumi from "@pulumi/pulumi";
// The installed package, as users import it (see package.json here): its state is a user's.
import { ImageMember } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const members = config.requireNumber("members");

// Ids shaped as project ids, so no warning; Glance does not check that member projects exist.
for (let m = 0; m < members; m++) {
  const memberId = `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
  new ImageMember(`member-${m}`, { imageId, memberId });
}
