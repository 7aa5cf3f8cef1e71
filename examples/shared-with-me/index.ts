/**
 * A member project's program that uses "the image shared with me named golden": it asks
 * Glance, with the member project's own credentials, instead of reading the owner's stack
 * through a StackReference, so it needs no access to the owner team's state and works
 * whatever shared the image (examples/one-stack, examples/cross-project, a script).
 */
import * as pulumi from "@pulumi/pulumi";
import { getSharedImagesOutput } from "pulumi-image-members";

const config = new pulumi.Config();
const name = config.get("imageName") ?? "golden";

// Only shares this project has accepted are listed (the default status, as Glance's own image
// list): an offer not yet accepted is not an image to launch. `cloud` names a clouds.yaml entry
// of the member project; unset, the stack's openstack:* config or OS_* are used.
const shared = getSharedImagesOutput({ name, cloud: config.get("cloud") });

const newest = shared.apply((result) => {
  const image = result.images[0]; // newest first, should the owner have shared several
  if (!image) {
    throw new Error(
      `No image named "${name}" is shared with this project and accepted. Ask the image's ` +
        `owner to share it, and accept it (status "accepted").`,
    );
  }
  return image;
});

// Give it to a server, e.g. new openstack.compute.Instance("app", { imageId, ... }).
export const imageId = newest.id;
export const ownerProjectId = newest.ownerProjectId;
