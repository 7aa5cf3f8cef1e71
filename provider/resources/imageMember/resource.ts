import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- module.exports is the provider (see there)
import provider = require("../../serialization/imageMember");
import { hidingServerRecords, imageMemberRecords } from "../common/hiddenDiffs";
import { ConciseDynamicResource, secretInputNames } from "../common/dynamicResource";
import type { MemberStatus } from "../../glance/members/results";

/** The arguments of an {@link ImageMember}. */
export interface ImageMemberArgs {
  /** The image to share (a UUID). The credentials must belong to its owner project. */
  imageId: pulumi.Input<string>;
  /**
   * The project to share it with, by its project ID, not its name: 32 lowercase hexadecimal
   * characters on Keystone, Huawei Cloud and Open Telekom Cloud (`openstack project show NAME
   * -f value -c id` prints it). Another shape is warned about at preview, or refused with
   * `imagemembers:strictProjectIds: true`.
   */
  memberId: pulumi.Input<string>;
  /** Region whose image service to use; defaults to the configured region. */
  region?: pulumi.Input<string> | undefined;
  /**
   * Take over the membership if it exists already (made by hand or another tool) instead of
   * failing with a conflict. The way to adopt one with this TypeScript class, which Pulumi
   * cannot import (a dynamic resource); the plugin's `imagemembers:index:ImageMember` can be.
   */
  adoptExisting?: pulumi.Input<boolean> | undefined;
  /**
   * A clouds.yaml entry (secure.yaml merged) whose credentials, the image owner's, to use
   * instead of the stack's. State keeps only the name.
   */
  cloud?: pulumi.Input<string> | undefined;
}

/**
 * Shares an image with a project (a Glance v2 image member). The member project then
 * accepts or rejects it; `status` shows which.
 */
export class ImageMember extends ConciseDynamicResource {
  /** The image shared. */
  declare readonly imageId: pulumi.Output<string>;
  /** The ID of the project it is shared with (32 lowercase hexadecimal characters). */
  declare readonly memberId: pulumi.Output<string>;
  /** The region given, if any. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** The clouds.yaml entry given, if any. */
  declare readonly cloud: pulumi.Output<string | undefined>;
  /**
   * The member project's answer: `pending` until it accepts (`accepted`) or rejects
   * (`rejected`) the image, as Glance reports it.
   */
  declare readonly status: pulumi.Output<MemberStatus>;
  /** When Glance created the membership (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the membership last changed, for example when it was accepted (ISO 8601). */
  declare readonly updatedAt: pulumi.Output<string>;
  /**
   * The project whose credentials created the membership. A "not found" seen with another
   * project's credentials never takes the membership out of state.
   */
  declare readonly managingProjectId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ImageMemberArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "imageMember",
      provider,
      name,
      {
        imageId: args.imageId,
        memberId: args.memberId,
        region: args.region,
        adoptExisting: args.adoptExisting,
        cloud: args.cloud,
        status: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        managingProjectId: undefined,
        // Names only: a refusal by the allowed projects then never quotes a secret id.
        secretInputs: secretInputNames({ memberId: args.memberId }),
      },
      hidingServerRecords(opts, imageMemberRecords),
      "images",
      "ImageMember",
    );
  }
}
