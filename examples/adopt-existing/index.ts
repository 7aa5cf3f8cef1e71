import * as pulumi from "@pulumi/pulumi";
import { ImageMember } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const memberId = config.require("memberId");

// "adopt" (the way that works): the provider takes over the existing membership on create.
// "import": Pulumi's own import option, which the engine cannot run for dynamic resources.
const mode = config.get("mode") ?? "adopt";

const member =
  mode === "import"
    ? new ImageMember("existing", { imageId, memberId }, { import: `${imageId}/${memberId}` })
    : new ImageMember("existing", { imageId, memberId, adoptExisting: true });

export const status = member.status;
