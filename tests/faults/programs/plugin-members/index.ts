/**
 * One `imagemembers:index:ImageMember` of the provider plugin per entry of config `members`
 * (name → project id), sharing config `imageId`: the root quickstart's program, with the
 * plugin's resource, declared by its type token, instead of the dynamic one.
 */
import * as pulumi from "@pulumi/pulumi";

/** The plugin's ImageMember by type token (`CustomResource` is abstract in the SDK's types). */
class PluginImageMember extends pulumi.CustomResource {
  constructor(name: string, args: { imageId: string; memberId: string }) {
    super("imagemembers:index:ImageMember", name, args);
  }
}

const config = new pulumi.Config();
const imageId = config.require("imageId");
const members = config.requireObject<Record<string, string>>("members");

for (const [name, memberId] of Object.entries(members)) {
  new PluginImageMember(`share-with-${name}`, { imageId, memberId });
}
