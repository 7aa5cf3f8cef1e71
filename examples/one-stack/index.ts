/**
 * One stack that both shares an image and accepts the share for every member project: for a
 * platform team that holds the credentials of the image's owner project and of the projects it
 * shares with (what packer's `image_auto_accept_members` or an `openstack image set --accept`
 * after `image add project` do). Two teams with a set of credentials each keep two stacks
 * instead: see examples/cross-project.
 *
 * Glance lets only the member project accept, so each member acts with its own clouds.yaml
 * entry (the password in secure.yaml), one entry per project:
 *
 *   clouds:
 *     platform: { auth: { auth_url: ..., username: ..., project_name: images, ... } }
 *     ops:      { auth: { auth_url: ..., username: ..., project_name: ops, ... } }
 *
 * State keeps only the entry names, never a credential.
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMembers } from "pulumi-image-members";

interface Member {
  /** The project to share the image with. */
  projectId: string;
  /** The clouds.yaml entry whose credentials are scoped to that project. */
  cloud: string;
}

const config = new pulumi.Config();
const imageId = config.require("imageId");
// Label (a team, a customer) to the member project and its clouds.yaml entry.
const members = config.requireObject<Record<string, Member>>("members");

const golden = new ImageMembers("golden", {
  imageId,
  // The owner's credentials: this clouds.yaml entry, or when unset the stack's own
  // (openstack:* config, then OS_*).
  cloud: config.get("ownerCloud"),
  projects: Object.fromEntries(Object.entries(members).map(([label, m]) => [label, m.projectId])),
  // Under the same labels: one ImageMemberAcceptance each ("golden-<label>-accept"), created
  // after the share and reset before it is removed, so `pulumi destroy` and removing a member
  // from the config undo both halves in the right order.
  accept: Object.fromEntries(
    Object.entries(members).map(([label, m]) => [label, { cloud: m.cloud }]),
  ),
});

/** Each member's status as its own credentials set it: `accepted` after `pulumi up`. */
export const statuses = Object.fromEntries(
  Object.entries(golden.acceptances).map(([label, acceptance]) => [label, acceptance.status]),
);
