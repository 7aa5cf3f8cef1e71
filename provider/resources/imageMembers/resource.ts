import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- module.exports is the provider (see there)
import provider = require("./serializedProvider");
import type { ImageMembersMember } from "./provider";

/** The arguments of an {@link ImageMembers}. */
export interface ImageMembersArgs {
  /** The image to share (a UUID). The credentials must belong to its owner project. */
  imageId: pulumi.Input<string>;
  /**
   * The projects to share it with, by a label of your choice: `{ ops: "<project id>" }`.
   * `pulumi preview --diff` then shows one line per project gaining or losing access, under
   * its label, and nothing else. Give this or `memberIds`.
   */
  projects?: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
  /**
   * The projects to share it with as a plain list, each listed once; order does not matter.
   * Stored as `projects` with each id its own label, so the diff is the same as for `projects`.
   * Give this or `projects`.
   */
  memberIds?: pulumi.Input<pulumi.Input<string>[]> | undefined;
  /** Region whose image service to use; defaults to the configured region. */
  region?: pulumi.Input<string> | undefined;
  /**
   * Take over memberships that exist already (made by hand or another tool) instead of
   * failing with a conflict.
   */
  adoptExisting?: pulumi.Input<boolean> | undefined;
}

/**
 * Shares an image with many projects: all the Glance v2 members of one image in one
 * resource. Cheaper than one `ImageMember` per project for long lists (one state entry and
 * one engine step per image, and only the members that change cost a request). Members that
 * exist in Glance but are not listed here are left alone.
 */
export class ImageMembers extends pulumi.dynamic.Resource {
  /** The image shared. */
  declare readonly imageId: pulumi.Output<string>;
  /** The region given, if any. */
  declare readonly region: pulumi.Output<string | undefined>;
  /**
   * The memberships, sorted by memberId; each `status` is `pending`, `accepted` or `rejected`,
   * and `name` is the project's label in `projects` when that is not the id itself.
   */
  declare readonly members: pulumi.Output<ImageMembersMember[]>;
  /**
   * The project whose credentials created the memberships. A "not found" seen with another
   * project's credentials never takes them out of state.
   */
  declare readonly managingProjectId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ImageMembersArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        imageId: args.imageId,
        projects: args.projects,
        memberIds: args.memberIds,
        region: args.region,
        adoptExisting: args.adoptExisting,
        members: undefined,
        managingProjectId: undefined,
      },
      opts,
      "images",
      "ImageMembers",
    );
  }
}
