import type * as dynamic from "@pulumi/pulumi/dynamic";
import { nothingToImport } from "../common/importing";
import { ConfiguredProvider } from "../common/configuredProvider";
import { getMember, Member, MemberStatus, updateMemberStatus } from "../../glance";
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import { fail } from "../../core/explain";
import { checkCloud } from "../../core/cloudIdentity";
import { memberRefOf, resourceId } from "../../core/memberRef";
import { notFoundVerdict } from "../common/notFound";
import { explainStatusFailure, MembershipMissing, otherProjectsCloud } from "./statusFailure";
import {
  checkImageId,
  checkOneOf,
  checkOptionalText,
  checkProjectId,
  checkRegion,
  failures,
} from "../../core/validation";

/** The inputs of an `ImageMemberAcceptance` as the engine hands them to the provider. */
export interface ImageMemberAcceptanceInputs {
  /** The image shared with this project. */
  imageId: string;
  /** The status to set: `accepted`, `rejected` or `pending`. */
  status: MemberStatus;
  /** Defaults to the project the credentials are scoped to. */
  memberId?: string;
  /** Region whose image service is used; the configured region when absent. */
  region?: string;
  /** Huawei Cloud: the CBR vault, to accept a full-ECS image made from a backup. */
  vaultId?: string;
  /** The status the membership returns to when the resource is deleted. */
  statusOnDelete?: "rejected" | "pending";
  /** The clouds.yaml entry whose credentials (the member project's) to use instead of the stack's. */
  cloud?: string;
}

/** What the provider returns for an `ImageMemberAcceptance` and Pulumi keeps in state. */
export interface ImageMemberAcceptanceOutputs extends ImageMemberAcceptanceInputs {
  /** The member project. */
  memberId: string;
  /** When Glance created the membership (ISO 8601). */
  createdAt: string;
  /** When the status last changed (ISO 8601). */
  updatedAt: string;
  /** Glance's schema path for members. */
  schema: string;
  /**
   * The project whose credentials set the status. A "not found" from any other project does
   * not take the resource out of state (see ../common/managingProject.ts).
   */
  managingProjectId?: string;
}

const statuses = ["accepted", "rejected", "pending"] as const;
const statusesOnDelete = ["rejected", "pending"] as const;

/**
 * The member project's side of a share: sets the membership's status with
 * `PUT /v2/images/{image_id}/members/{member_id}`. Credentials: the member project's.
 */
export class ImageMemberAcceptanceProvider
  extends ConfiguredProvider
  implements dynamic.ResourceProvider<ImageMemberAcceptanceInputs, ImageMemberAcceptanceOutputs>
{
  async check(
    olds: ImageMemberAcceptanceInputs,
    news: ImageMemberAcceptanceInputs,
  ): Promise<dynamic.CheckResult<ImageMemberAcceptanceInputs>> {
    return {
      inputs: news,
      failures: failures(
        checkImageId(news.imageId),
        checkOneOf(news.status, "status", statuses),
        news.memberId === undefined ? undefined : checkProjectId(news.memberId),
        checkRegion(news.region),
        checkOptionalText(news.vaultId, "vaultId"),
        news.statusOnDelete === undefined
          ? undefined
          : checkOneOf(news.statusOnDelete, "statusOnDelete", statusesOnDelete),
        checkCloud(news.cloud),
        ...(news.memberId === undefined
          ? []
          : await this.checkProjectIdShapes(
              "ImageMemberAcceptance",
              news.imageId,
              [{ property: "memberId", memberId: news.memberId }],
              (image) => ({
                role: `accepting (or rejecting) ${image}`,
                consequence: `The image service would answer that ${image} has no such member`,
              }),
            )),
        ...(await this.checkStackCredentials("ImageMemberAcceptance", olds, news)),
      ),
    };
  }

  async diff(
    _id: string,
    olds: ImageMemberAcceptanceOutputs,
    news: ImageMemberAcceptanceInputs,
  ): Promise<dynamic.DiffResult> {
    return this.namingTheCloud("inputs", news, async () => {
      const replaces: string[] = [];
      if (olds.imageId !== news.imageId) replaces.push("imageId");
      // Without an explicit memberId the member is "whoever the credentials are": no diff.
      if (news.memberId !== undefined && news.memberId !== olds.memberId) replaces.push("memberId");
      if ((olds.region ?? undefined) !== (news.region ?? undefined)) replaces.push("region");
      const updates =
        olds.status !== news.status ||
        (olds.vaultId ?? undefined) !== (news.vaultId ?? undefined) ||
        (olds.statusOnDelete ?? "rejected") !== (news.statusOnDelete ?? "rejected");
      // The same membership in a region now named differently (undefined to "RegionOne", say):
      // created first, the new resource would set the status and the old one's delete would then
      // reset it (statusOnDelete) on that very membership. The old one must go first.
      const samePair =
        olds.imageId === news.imageId &&
        (news.memberId === undefined || news.memberId === olds.memberId);
      if (replaces.length === 0) {
        await this.refuseCloudChange(olds, news, {
          headline: `Cannot change the cloud of the acceptance of image ${news.imageId} by project ${olds.memberId}`,
          consequence:
            `Only the member project ${olds.memberId} can accept or reject its membership, so ` +
            `with the other project's credentials this resource could not be updated or reset.`,
        });
      }
      return {
        changes: replaces.length > 0 || updates,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && samePair,
      };
    });
  }

  async create(
    inputs: ImageMemberAcceptanceInputs,
  ): Promise<dynamic.CreateResult<ImageMemberAcceptanceOutputs>> {
    return this.namingTheCloud("inputs", inputs, async () => {
      const memberId = inputs.memberId ?? (await this.ownProjectId(inputs));
      const { member, connection } = await this.setStatus(inputs, memberId, inputs.status);
      return {
        id: resourceId({ imageId: inputs.imageId, memberId }),
        outs: outputsOf(member, inputs, await connection.projectId()),
      };
    });
  }

  async update(
    _id: string,
    olds: ImageMemberAcceptanceOutputs,
    news: ImageMemberAcceptanceInputs,
  ): Promise<dynamic.UpdateResult<ImageMemberAcceptanceOutputs>> {
    return this.namingTheCloud("inputs", news, async () => {
      const { member } = await this.setStatus(news, olds.memberId, news.status);
      return { outs: outputsOf(member, news, olds.managingProjectId) };
    });
  }

  async read(
    id: string,
    props: Partial<ImageMemberAcceptanceOutputs> = {},
  ): Promise<dynamic.ReadResult<ImageMemberAcceptanceOutputs>> {
    return this.namingTheCloud("state", props, async () => {
      const { imageId, memberId } = memberRefOf(id, props, "ImageMemberAcceptance");
      const headline = `Cannot read the status of image ${imageId} for project ${memberId}`;
      const connection = await this.connect(props, headline);
      let member: Member;
      try {
        member = await getMember(connection.glance, imageId, memberId);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          const distrusted = await notFoundVerdict({
            connection,
            recordedProjectId: props.managingProjectId,
            headline,
            subject: { imageId, memberId },
            notFound: error,
          });
          if (distrusted) throw distrusted;
          if (!(props.imageId && props.memberId)) {
            // No state: an import (see ../common/importing.ts).
            throw await nothingToImport(
              connection,
              { kind: "ImageMemberAcceptance", id, imageId, memberId, side: "member" },
              error,
            );
          }
          return {}; // no longer shared with this project
        }
        throw explainStatusFailure(error, headline, imageId, memberId);
      }
      const settings: ImageMemberAcceptanceInputs = {
        ...props,
        imageId,
        status: member.status,
      } as ImageMemberAcceptanceInputs;
      const outs = outputsOf(member, settings, props.managingProjectId);
      // The status read becomes the input too, so a preview shows `status: "rejected" => "accepted"`.
      const inputs = { ...outs };
      delete inputs.managingProjectId; // an output only
      return { id: resourceId({ imageId, memberId }), props: outs, inputs };
    });
  }

  async delete(_id: string, props: ImageMemberAcceptanceOutputs): Promise<void> {
    return this.namingTheCloud("state", props, async () => {
      const statusOnDelete = props.statusOnDelete ?? "rejected";
      try {
        await this.setStatus(props, props.memberId, statusOnDelete);
      } catch (error) {
        if (!(error instanceof MembershipMissing)) throw error;
        const headline = `Cannot reset the status of image ${props.imageId} for project ${props.memberId}`;
        // The member project cannot tell a private image from a removed membership: no look.
        const distrusted = await notFoundVerdict({
          connection: await this.connect(props, headline), // the same session: no new login
          recordedProjectId: props.managingProjectId,
          headline,
          subject: props,
          notFound: error.notFound,
        });
        if (distrusted) throw distrusted;
        // the owner already unshared the image: nothing to reset
      }
    });
  }

  private async ownProjectId(inputs: ImageMemberAcceptanceInputs): Promise<string> {
    const headline = `Cannot set the status of image ${inputs.imageId}`;
    const projectId = await (await this.connect(inputs, headline)).projectId();
    if (!projectId) {
      throw fail(
        headline,
        "the credentials are not scoped to a project; set memberId, or scope them to the member project",
      );
    }
    return projectId;
  }

  private async setStatus(
    settings: ImageMemberAcceptanceInputs,
    memberId: string,
    status: MemberStatus,
  ): Promise<{ member: Member; connection: Connection }> {
    const headline = `Cannot set the status of image ${settings.imageId} for project ${memberId} to "${status}"`;
    const connection = await this.connect(settings, headline);
    try {
      const member = await updateMemberStatus(
        connection.glance,
        settings.imageId,
        memberId,
        status,
        { vaultId: settings.vaultId },
      );
      return { member, connection };
    } catch (error) {
      throw (
        (await otherProjectsCloud(error, connection, headline, memberId)) ??
        explainStatusFailure(error, headline, settings.imageId, memberId)
      );
    }
  }
}

function outputsOf(
  member: Member,
  settings: ImageMemberAcceptanceInputs,
  managingProjectId: string | undefined,
): ImageMemberAcceptanceOutputs {
  return {
    imageId: member.imageId,
    memberId: member.memberId,
    status: member.status,
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.vaultId ? { vaultId: settings.vaultId } : {}),
    ...(settings.statusOnDelete ? { statusOnDelete: settings.statusOnDelete } : {}),
    ...(settings.cloud ? { cloud: settings.cloud } : {}),
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
    schema: member.schema,
    ...(managingProjectId ? { managingProjectId } : {}),
  };
}
