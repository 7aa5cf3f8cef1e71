import * as pulumi from "@pulumi/pulumi";
import { checkMemberIds } from "../imageMembers/checkProjects";
import { ImageMember } from "../imageMember/resource";
import {
  checkAccept,
  declareAcceptances,
  MemberAcceptanceArgs,
} from "../imageMemberAcceptance/shareAcceptances";
import type { ImageMemberAcceptance } from "../imageMemberAcceptance/resource";
import { conciseStackTraceUntilRestored } from "../common/stackTrace";

/** The arguments of an {@link ImageShare}. */
export interface ImageShareArgs {
  /** The image to share (a UUID). The credentials must belong to its owner project. */
  imageId: pulumi.Input<string>;
  /** The projects to share the image with. A plain list: each project becomes one child. */
  memberIds: string[];
  /** Region whose image service to use; defaults to the configured region. */
  region?: pulumi.Input<string> | undefined;
  /** Take over memberships that exist already instead of failing with a conflict. */
  adoptExisting?: pulumi.Input<boolean> | undefined;
  /** A clouds.yaml entry whose credentials, the image owner's, to use instead of the stack's. */
  cloud?: pulumi.Input<string> | undefined;
  /**
   * Accept the share in this same stack, with each member project's own credentials: keyed
   * by project id, `{ "<project id>": { cloud: "ops" } }`. Each becomes an
   * `ImageMemberAcceptance`, a child of that project's `ImageMember`.
   */
  accept?: Record<string, MemberAcceptanceArgs> | undefined;
}

/** One project an {@link ImageShare} shares the image with. */
export interface SharedMember {
  /** The project. */
  memberId: string;
  /** `pending`, `accepted` or `rejected`. */
  status: string;
}

/**
 * One image shared with many projects: one child `ImageMember` per project, named after the
 * project, so adding or removing a project touches only that member.
 */
export class ImageShare extends pulumi.ComponentResource {
  /** The projects shared with and their status, in the order of `memberIds`. */
  readonly members: pulumi.Output<SharedMember[]>;
  /** The acceptances `accept` declares, by project id. */
  readonly acceptances: Record<string, ImageMemberAcceptance>;

  constructor(name: string, args: ImageShareArgs, opts?: pulumi.ComponentResourceOptions) {
    const restoreStackTraces = conciseStackTraceUntilRestored();
    try {
      super("pulumi-image-members:index:ImageShare", name, {}, opts);
    } finally {
      restoreStackTraces();
    }
    validateMemberIds(name, args.memberIds);
    const accept = checkAccept(`ImageShare ${name}`, args.accept) ?? {};
    for (const memberId of Object.keys(accept)) {
      if (!args.memberIds.includes(memberId)) {
        throw new Error(
          `ImageShare ${name}: accept names project ${memberId}, which memberIds does not share ` +
            `the image with; add it to memberIds, or remove it from accept`,
        );
      }
    }
    const children = args.memberIds.map(
      (memberId) =>
        new ImageMember(
          `${name}-${memberId}`,
          {
            imageId: args.imageId,
            memberId,
            region: args.region,
            adoptExisting: args.adoptExisting,
            cloud: args.cloud,
          },
          { parent: this },
        ),
    );
    this.acceptances = declareAcceptances(
      name,
      { imageId: args.imageId, region: args.region },
      args.memberIds.flatMap((memberId, i) => {
        const acceptArgs = accept[memberId];
        return acceptArgs
          ? [{ key: memberId, memberId, args: acceptArgs, share: children[i]! }]
          : [];
      }),
    );
    this.members = pulumi
      .all(children.map((child) => pulumi.all([child.memberId, child.status])))
      .apply((pairs) => pairs.map(([memberId, status]) => ({ memberId, status })));
    this.registerOutputs({ members: this.members });
  }
}

/** The same rule as ImageMembers' memberIds, thrown at construction (a component has no check). */
function validateMemberIds(name: string, memberIds: unknown): void {
  const [first] = checkMemberIds(memberIds);
  if (first) {
    throw new Error(`ImageShare ${name}: ${first.reason}`);
  }
}
