/**
 * The benchmark's program (bench/run.ts runs it): shares each image of config `imageIds`
 * (JSON array) with `membersPerImage` project ids `bec4` + zeros + `000`, `001`, ... (shaped as
 * project ids, so no warning is measured; Glance does not check that member projects exist). bench/run.ts writes copies of this program
 * that import the installed package, or use the bridged provider, instead.
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMember } from "../../provider";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
    new ImageMember(`m-${i}-${m}`, { imageId, memberId });
  }
});

export const members = imageIds.length * membersPerImage;
