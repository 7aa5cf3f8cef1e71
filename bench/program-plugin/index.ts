/**
 * The benchmark's program for the `plugin` contender (bench/run.ts): bench/program's members,
 * each an `imagemembers:index:ImageMember` of the provider plugin declared by its type token
 * (the plugin, found through `plugins.providers` in Pulumi.yaml, reads no stack config: the
 * benchmark gives it the owner's `OS_*` variables).
 */
import * as pulumi from "@pulumi/pulumi";

/** The plugin's ImageMember by type token (`CustomResource` is abstract in the SDK's types). */
class PluginImageMember extends pulumi.CustomResource {
  constructor(name: string, args: { imageId: string; memberId: string }) {
    super("imagemembers:index:ImageMember", name, args);
  }
}

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
    new PluginImageMember(`m-${i}-${m}`, { imageId, memberId });
  }
});

export const members = imageIds.length * membersPerImage;
