import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConfiguredProvider } from "../common/configuredProvider";
import { adoptExistingForThisRun, mayHaveBeenCreated, unsettledStatus } from "../common/adoption";
import { createMember, getMember, deleteMember, Member } from "../../glance";
import { ServiceConnection } from "../../transport/serviceConnection";
import { ApiError } from "../../transport/errors";
import {
  checkImageId,
  checkOptionalBoolean,
  checkProjectId,
  checkRegion,
  failures,
} from "../../core/validation";
import { explainCreateFailure, explainOtherFailure } from "../common/memberFailures";
import { imageForDiagnosis, ProviderError } from "../../core/explain";
import { hiddenByVisibility, notFoundVerdict } from "../common/notFound";
import { keptInState } from "../common/partialFailure";
import { MemberRef, memberRefOf, resourceId } from "../../core/memberRef";
import { checkCloud } from "../../core/cloudIdentity";
import { Connection } from "../../core/connect";
import { nothingToImport } from "../common/importing";
import { checkGrants, enforceGrants } from "../../core/allowedProjects";
import { cameBackError, revoke } from "../common/revocation";
import {
  ImageMemberInputs,
  ImageMemberOutputs,
  inputsOf,
  outputsOf,
  refOf,
  secretMemberId,
} from "./state";

export type { ImageMemberInputs, ImageMemberOutputs } from "./state";

/** The inputs whose change means another membership, hence a replacement. */
const identifyingInputs = ["imageId", "memberId", "region"] as const;

/**
 * The CRUD hooks the engine calls for `ImageMember`, loaded at run time by the serialized
 * stand-in (../../serialization/); configuration arrives in `configure`, never from state.
 */
export class ImageMemberProvider
  extends ConfiguredProvider
  implements dynamic.ResourceProvider<ImageMemberInputs, ImageMemberOutputs>
{
  async check(
    olds: ImageMemberInputs,
    news: ImageMemberInputs,
  ): Promise<dynamic.CheckResult<ImageMemberInputs>> {
    return {
      inputs: news,
      failures: failures(
        checkImageId(news.imageId),
        checkProjectId(news.memberId),
        checkRegion(news.region),
        checkOptionalBoolean(news.adoptExisting, "adoptExisting"),
        checkCloud(news.cloud),
        ...checkGrants(this.projectRules, news.imageId, [
          { property: "memberId", memberId: news.memberId, secret: secretMemberId(news) },
        ]),
        ...(await this.checkProjectIdShapes("ImageMember", news.imageId, [
          { property: "memberId", memberId: news.memberId },
        ])),
        ...(await this.checkStackCredentials("ImageMember", olds, news)),
      ),
    };
  }

  async diff(
    _id: string,
    olds: ImageMemberOutputs,
    news: ImageMemberInputs,
  ): Promise<dynamic.DiffResult> {
    return this.namingTheCloud("inputs", news, async () => {
      const replaces = identifyingInputs.filter(
        (key) => (olds[key] ?? undefined) !== (news[key] ?? undefined),
      );
      // The same membership in a region now named differently: the old one must go first, or
      // the new one would meet it as a duplicate.
      const samePair = olds.imageId === news.imageId && olds.memberId === news.memberId;
      if (replaces.length === 0) {
        await this.refuseCloudChange(olds, news, {
          headline: `Cannot change the cloud of the membership of project ${news.memberId} in image ${news.imageId}`,
          consequence:
            "Only the image's owner project can remove its members, so with the other project's " +
            "credentials this resource could not be deleted or refreshed.",
        });
      }
      return {
        changes: replaces.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && samePair,
      };
    });
  }

  async create(inputs: ImageMemberInputs): Promise<dynamic.CreateResult<ImageMemberOutputs>> {
    return this.namingTheCloud("inputs", inputs, async () => {
      const ref = refOf(inputs);
      enforceGrants(this.projectRules, ref.imageId, [
        { property: "memberId", memberId: ref.memberId, secret: secretMemberId(inputs) },
      ]);
      const connection = await this.connect(
        inputs,
        `Cannot share image ${ref.imageId} with project ${ref.memberId}`,
      );
      try {
        const member = await this.createOrAdopt(
          connection.glance,
          ref,
          inputs.adoptExisting === true || adoptExistingForThisRun(),
        );
        const managingProjectId = await connection.projectId();
        return { id: resourceId(ref), outs: outputsOf(member, inputs, managingProjectId) };
      } catch (error) {
        const exists = error instanceof ExistingMemberUnread;
        if (!exists && !mayHaveBeenCreated(error)) {
          throw await explainCreateFailure(error, ref, connection, "ImageMember");
        }
        // The member exists (a 409 said so, its read failed), or a POST may have created it
        // although no answer said so: kept in state (see ../common/partialFailure.ts). Without
        // this, the next run's POST meets 409 in a process that cannot know the member is its
        // own. The managing project is recorded now: update keeps the one in state.
        const explained = exists
          ? existingMemberUnreadError(error, ref)
          : await explainCreateFailure(error, ref, connection, "ImageMember");
        if (!exists) {
          explained.message +=
            ` The membership may exist: it is kept in state with status "${unsettledStatus}", and ` +
            `the next pulumi up reads it (or creates it if it is absent).`;
        }
        const managingProjectId = await connection.projectId();
        throw keptInState(
          explained,
          resourceId(ref),
          {
            ...inputs,
            status: unsettledStatus,
            ...(managingProjectId ? { managingProjectId } : {}),
          },
          inputs,
        );
      }
    });
  }

  async read(
    id: string,
    props: Partial<ImageMemberOutputs> = {},
  ): Promise<dynamic.ReadResult<ImageMemberOutputs>> {
    return this.namingTheCloud("state", props, async () => {
      const ref = memberRefOf(id, props, "ImageMember");
      const member = await this.fetch(
        ref,
        props,
        `Cannot read the membership of project ${ref.memberId} in image ${ref.imageId}`,
        props.managingProjectId,
      );
      if (member instanceof NotFound) {
        // No state: an import (see ../common/importing.ts); with state, a refresh drops it.
        if (!(props.imageId && props.memberId)) {
          throw await nothingToImport(
            member.connection,
            { kind: "ImageMember", id, ...ref, side: "owner" },
            member.error,
          );
        }
        return {};
      }
      const outs = outputsOf(member, props, props.managingProjectId, props);
      // Inputs taken from what exists make an imported or refreshed member diff cleanly.
      return { id: resourceId(ref), props: outs, inputs: inputsOf(outs) as ImageMemberOutputs };
    });
  }

  async update(
    id: string,
    olds: ImageMemberOutputs,
    news: ImageMemberInputs,
  ): Promise<dynamic.UpdateResult<ImageMemberOutputs>> {
    return this.namingTheCloud("inputs", news, async () => {
      // Every input identifies the membership, so there is nothing to change in place; still
      // answer with full outputs, or the engine would drop them (pulumi/pulumi#13983).
      const ref = refOf(news);
      const member = await this.fetch(
        ref,
        news,
        `Cannot refresh the membership ${id}`,
        olds.managingProjectId,
      );
      if (!(member instanceof NotFound)) {
        return { outs: outputsOf(member, news, olds.managingProjectId) };
      }
      // Every input change is a replacement, so only a resource left "failed to initialise" by
      // a create whose POST may not have landed gets here: finish creating it.
      const created = await this.create(news);
      return { outs: created.outs };
    });
  }

  async delete(id: string, props: ImageMemberOutputs): Promise<void> {
    return this.namingTheCloud("state", props, async () => {
      const ref = memberRefOf(id, props, "ImageMember");
      const headline = `Cannot stop sharing image ${ref.imageId} with project ${ref.memberId}`;
      const connection = await this.connect(props, headline);
      // Deleted, then read back (one GET), deleted again while Glance lists it (../common/revocation.ts).
      const revoked = await revoke([ref.memberId], {
        remove: async () => {
          const started = Date.now();
          const goneAlready = await this.deleteOnce(
            connection,
            ref,
            headline,
            props.managingProjectId,
          );
          return {
            deleted: goneAlready ? [] : [ref.memberId],
            failed: [],
            slowestMs: Date.now() - started,
          };
        },
        stillListed: async () => {
          try {
            await getMember(connection.glance, ref.imageId, ref.memberId);
            return { listed: [ref.memberId], failed: [] };
          } catch (error) {
            // A 404 right after Glance answered the DELETE (which it does only while the image
            // is shared) is the membership gone.
            if (error instanceof ApiError && error.status === 404) {
              return { listed: [], failed: [] };
            }
            const unconfirmed = `${headline} (deleted, but the read confirming it failed; kept in state, run pulumi again)`;
            throw explainOtherFailure(error, unconfirmed, ref);
          }
        },
      });
      if (revoked.cameBack.length > 0) {
        throw cameBackError("ImageMember", ref.imageId, revoked.cameBack);
      }
    });
  }

  /**
   * One DELETE: false when Glance answered it, true when the membership was gone already (a
   * 404 the not-found verdict trusts); an explained error otherwise.
   */
  private async deleteOnce(
    connection: Connection,
    ref: MemberRef,
    headline: string,
    managingProjectId: string | undefined,
  ): Promise<boolean> {
    try {
      await deleteMember(connection.glance, ref.imageId, ref.memberId);
      return false;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        await this.trustNotFound(connection, ref, headline, managingProjectId, error);
        return true; // already gone: the goal of a delete
      }
      // Glance answers a delete on a no-longer-shared image with 403, a read with 404.
      if (error instanceof ApiError && error.status === 403) {
        const image = await imageForDiagnosis(connection.glance, ref.imageId);
        const hidden =
          image && image !== "not-found"
            ? hiddenByVisibility(
                headline,
                image,
                `the membership of project ${ref.memberId}`,
                error,
              )
            : undefined;
        if (hidden) throw hidden;
      }
      throw explainOtherFailure(error, headline, ref);
    }
  }

  /**
   * One POST. A 409 is a real conflict unless the user asked to adopt existing memberships,
   * or an earlier attempt of this very POST may have reached Glance before its answer was
   * lost: then the member is ours, and we read it.
   */
  private async createOrAdopt(
    glance: ServiceConnection,
    ref: MemberRef,
    adoptExisting: boolean,
  ): Promise<Member> {
    try {
      return await createMember(glance, ref.imageId, ref.memberId);
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.status === 409 &&
        (error.afterLostResponse || adoptExisting)
      ) {
        try {
          return await getMember(glance, ref.imageId, ref.memberId);
        } catch (readError) {
          throw new ExistingMemberUnread(readError, error.afterLostResponse);
        }
      }
      throw error;
    }
  }

  /** GET the member; undefined when it is really gone, an explained error otherwise. */
  private async fetch(
    ref: MemberRef,
    where: { region?: string; cloud?: string },
    headline: string,
    managingProjectId: string | undefined,
  ): Promise<Member | NotFound> {
    const connection = await this.connect(where, headline);
    try {
      return await getMember(connection.glance, ref.imageId, ref.memberId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        await this.trustNotFound(connection, ref, headline, managingProjectId, error);
        return new NotFound(error, connection);
      }
      throw explainOtherFailure(error, headline, ref);
    }
  }

  /**
   * A 404 of the membership, from a read or a delete: returns when it means the membership is
   * gone, throws the explained error when it may not (../common/notFound.ts).
   */
  private async trustNotFound(
    connection: Connection,
    ref: MemberRef,
    headline: string,
    managingProjectId: string | undefined,
    notFound: ApiError,
  ): Promise<void> {
    const distrusted = await notFoundVerdict({
      connection,
      recordedProjectId: managingProjectId,
      headline,
      subject: ref,
      notFound,
      hidden: { stillExisting: `the membership of project ${ref.memberId}` },
    });
    if (distrusted) throw distrusted;
  }
}

/** A membership Glance says (and the verdict agrees) does not exist, with that answer. */
class NotFound {
  constructor(
    readonly error: ApiError,
    readonly connection: Connection,
  ) {}
}

/** A POST met 409, so the member exists, but the GET that should adopt it failed. */
class ExistingMemberUnread extends Error {
  constructor(
    readonly readError: unknown,
    readonly afterLostResponse: boolean,
  ) {
    super(String((readError as Error)?.message ?? readError));
  }
}

function existingMemberUnreadError(error: ExistingMemberUnread, ref: MemberRef): ProviderError {
  const why = error.afterLostResponse
    ? "a retried POST met 409, so an earlier attempt whose answer was lost made it"
    : "the image service answered 409, and adoptExisting asks to take it over";
  const explained = explainOtherFailure(
    error.readError,
    `Cannot share image ${ref.imageId} with project ${ref.memberId}: project ${ref.memberId} is ` +
      `already a member of image ${ref.imageId} (${why}), but reading it failed`,
    ref,
  );
  explained.message +=
    ` The membership is kept in state with status "${unsettledStatus}"; run pulumi up again ` +
    `to read it (pulumi destroy removes it).`;
  return explained;
}
