import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- module.exports is the provider (see there)
import provider = require("../../serialization/imageMemberAcceptance");
import { hidingServerRecords } from "../common/hiddenDiffs";
import { ConciseDynamicResource } from "../common/dynamicResource";
import type { MemberStatus } from "../../glance/members/results";

/** The arguments of an {@link ImageMemberAcceptance}. */
export interface ImageMemberAcceptanceArgs {
  /** The image shared with this project. */
  imageId: pulumi.Input<string>;
  /** `accepted`, `rejected` or `pending`. A change is an in-place update. */
  status: pulumi.Input<"accepted" | "rejected" | "pending">;
  /**
   * The member project, by its project ID, not its name (32 lowercase hexadecimal characters);
   * defaults to the project the credentials are scoped to.
   */
  memberId?: pulumi.Input<string> | undefined;
  /** Region whose image service to use; defaults to the configured region. */
  region?: pulumi.Input<string> | undefined;
  /** Huawei Cloud: the CBR vault, needed to accept a full-ECS image made from a backup. */
  vaultId?: pulumi.Input<string> | undefined;
  /** What the status goes back to when this resource is deleted: `rejected` (default) or `pending`. */
  statusOnDelete?: pulumi.Input<"rejected" | "pending"> | undefined;
  /**
   * A clouds.yaml entry (secure.yaml merged) whose credentials, the member project's, to use
   * instead of the stack's: how one stack both shares and accepts. State keeps only the name.
   */
  cloud?: pulumi.Input<string> | undefined;
}

/**
 * Accepts (or rejects) an image another project shared with this one: the member project's
 * half of the sharing handshake. Use the member project's credentials.
 */
export class ImageMemberAcceptance extends ConciseDynamicResource {
  /** The image shared with this project. */
  declare readonly imageId: pulumi.Output<string>;
  /** The ID of the member project (this one; 32 lowercase hexadecimal characters). */
  declare readonly memberId: pulumi.Output<string>;
  /** The member's state as Glance reports it: `pending`, `accepted` or `rejected`. */
  declare readonly status: pulumi.Output<MemberStatus>;
  /** The region given, if any. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** The clouds.yaml entry given, if any. */
  declare readonly cloud: pulumi.Output<string | undefined>;
  /** When Glance created the membership (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the status last changed (ISO 8601). */
  declare readonly updatedAt: pulumi.Output<string>;
  /**
   * The project whose credentials set the status. A "not found" seen with another project's
   * credentials never takes the resource out of state.
   */
  declare readonly managingProjectId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ImageMemberAcceptanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "imageMemberAcceptance",
      provider,
      name,
      {
        imageId: args.imageId,
        status: args.status,
        memberId: args.memberId,
        region: args.region,
        vaultId: args.vaultId,
        statusOnDelete: args.statusOnDelete,
        cloud: args.cloud,
        createdAt: undefined,
        updatedAt: undefined,
        managingProjectId: undefined,
      },
      hidingServerRecords(opts),
      "images",
      "ImageMemberAcceptance",
    );
  }
}
