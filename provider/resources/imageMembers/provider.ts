import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConfiguredProvider } from "../common/configuredProvider";
import { adoptExistingForThisRun } from "../common/adoption";
import { listMembers, Member } from "../../glance";
import { ApiError } from "../../transport/errors";
import { ProviderError } from "../common/explain";
import { connectToImageService } from "../common/session";
import { checkImageId, checkOptionalBoolean, checkRegion, failures } from "../common/validation";
import { explainOtherFailure } from "../imageMember/explain";
import { addMembers, Failure, memberOf, removeMembers } from "./batch";
import { currentProjectId, foreignNotFound, refuseProjectSwitch } from "../common/managingProject";
import { checkCloud } from "../common/identity";
import {
  count,
  describeIds,
  explainAdditions,
  explainHiddenMembers,
  explainRemovals,
} from "./explain";
import {
  ImageMembersInputs,
  ImageMembersMember,
  ImageMembersOutputs,
  unsettledStatus,
} from "./types";
import { checkProjects } from "./validation";
import { labelled, normaliseInputs, projectsOf, sameLabels, wantedProjects } from "./projects";

export type { ImageMembersInputs, ImageMembersMember, ImageMembersOutputs } from "./types";
export { memberConcurrency, unsettledStatus } from "./types";

/**
 * The CRUD hooks the engine calls for `ImageMembers`: one resource for all the members of one
 * image, so the engine's per-resource cost (state, steps, CPU) is paid once per image rather
 * than once per member. Configuration arrives at run time, in `configure`.
 */
export class ImageMembersProvider
  extends ConfiguredProvider
  implements dynamic.ResourceProvider<ImageMembersInputs, ImageMembersOutputs>
{
  async check(
    _olds: ImageMembersInputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.CheckResult<ImageMembersInputs>> {
    return {
      inputs: normaliseInputs(news),
      failures: failures(
        checkImageId(news.imageId),
        ...checkProjects(news.projects ?? undefined, news.memberIds ?? undefined),
        checkRegion(news.region),
        checkOptionalBoolean(news.adoptExisting, "adoptExisting"),
        checkCloud(news.cloud),
      ),
    };
  }

  async diff(
    _id: string,
    olds: ImageMembersOutputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.DiffResult> {
    const replaces = (["imageId", "region"] as const).filter(
      (key) => (olds[key] ?? undefined) !== (news[key] ?? undefined),
    );
    if (replaces.length > 0) {
      // The same image in a region now named differently: its members must go first, or the
      // new resource's POSTs would meet them as duplicates.
      return { changes: true, replaces, deleteBeforeReplace: olds.imageId === news.imageId };
    }
    if ((olds.cloud ?? undefined) !== (news.cloud ?? undefined)) {
      const refused = await refuseProjectSwitch({
        before: this.identity(olds.cloud),
        recordedProjectId: olds.managingProjectId,
        after: this.identity(news.cloud),
        headline: `Cannot change the cloud of the members of image ${news.imageId}`,
        consequence:
          "Only the image's owner project can add or remove its members, so with the other " +
          "project's credentials this resource could not be updated or deleted.",
      });
      if (refused) throw refused;
    }
    const wanted = wantedProjects(news);
    if (wanted === undefined) {
      return { changes: true, replaces: [], deleteBeforeReplace: false }; // known once applied
    }
    const had = olds.members ?? [];
    const settled = had.every((m) => m.status !== unsettledStatus);
    return {
      // A new label for a project already shared is a change too (shown, and recorded in state
      // without any request), so that what state says is what the program says.
      changes:
        !settled ||
        !sameSet(
          had.map((m) => m.memberId),
          [...wanted.keys()],
        ) ||
        !sameLabels(had, wanted),
      replaces: [],
      deleteBeforeReplace: false,
    };
  }

  async create(inputs: ImageMembersInputs): Promise<dynamic.CreateResult<ImageMembersOutputs>> {
    const imageId = inputs.imageId;
    const labels = wantedProjects(inputs) ?? new Map<string, string>();
    const wanted = [...labels.keys()];
    const headline = `Cannot share image ${imageId} with ${count(wanted.length, "project")}`;
    const identity = this.identity(inputs.cloud);
    const glance = await connectToImageService(identity, inputs.region, headline);
    const adopt = inputs.adoptExisting === true || adoptExistingForThisRun();
    const added = await addMembers(glance, imageId, wanted, adopt);
    const managingProjectId = await currentProjectId(identity);
    const outs = outputsOf(imageId, inputs, added.members, managingProjectId, labels);
    if (added.failed.length === 0) {
      return { id: imageId, outs };
    }
    const error = await explainAdditions(
      glance,
      () => currentProjectId(identity),
      imageId,
      added.failed,
      wanted.length,
    );
    if (outs.members.length === 0) {
      throw error; // nothing exists: an ordinary failed create
    }
    // Some members exist (or may): report "created but failed to initialise" (an error carrying
    // the id), so the engine keeps them in state; the next pulumi up adds the rest (update).
    throw Object.assign(error, {
      id: imageId,
      properties: withProviderOf(inputs, outs),
      reasons: [error.message],
    });
  }

  async read(
    id: string,
    props: Partial<ImageMembersOutputs> = {},
  ): Promise<dynamic.ReadResult<ImageMembersOutputs>> {
    const imageId = props.imageId ?? id;
    const had = props.members ?? [];
    const headline = `Cannot read the members of image ${imageId}`;
    const identity = this.identity(props.cloud);
    const glance = await connectToImageService(identity, props.region, headline);
    let listed: Member[];
    try {
      listed = await listMembers(glance, imageId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        const foreign = await foreignNotFound(
          identity,
          props.managingProjectId,
          headline,
          { imageId },
          error,
        );
        if (foreign) {
          throw foreign;
        }
        return {}; // the image is gone, and its members with it
      }
      if (error instanceof ApiError && error.status === 403) {
        throw await explainHiddenMembers(glance, imageId, had, headline, error);
      }
      throw explainOtherFailure(error, headline, { imageId, memberId: describeIds(had) });
    }
    // Members in Glance that state does not have are not ours (another stack's, made by hand):
    // they are neither adopted nor reported as drift.
    const ours = new Set(had.map((m) => m.memberId));
    const outs = outputsOf(
      imageId,
      props,
      listed.filter((m) => ours.has(m.memberId)).map(memberOf),
      props.managingProjectId,
      new Map(had.map((m) => [m.memberId, m.name ?? m.memberId])),
    );
    return {
      id: imageId,
      props: outs,
      // Inputs from what exists: a member deleted out of band shows as drift in the next preview.
      inputs: {
        imageId,
        projects: projectsOf(outs.members),
        ...(outs.region ? { region: outs.region } : {}),
        ...(outs.cloud ? { cloud: outs.cloud } : {}),
      } as unknown as ImageMembersOutputs,
    };
  }

  /**
   * Deletes the members state has and the inputs no longer want, adds those they want and
   * state has not, and leaves the others alone (no request for them). Members state marks as
   * possibly created are added again, a 409 then adopting them.
   *
   * On a partial failure the error carries `id` and `properties`: the dynamic provider server
   * answers an update error with ErrorResourceInitFailed, exactly as for create, and the engine
   * (provider_plugin.go, Update: StatusPartialFailure) stores those properties as the new
   * outputs. The server packs them as given, without re-adding `__provider` as it does on
   * success, so they must carry it themselves.
   */
  async update(
    id: string,
    olds: ImageMembersOutputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.UpdateResult<ImageMembersOutputs>> {
    const imageId = news.imageId ?? olds.imageId ?? id;
    const labels = wantedProjects(news) ?? new Map<string, string>();
    const wanted = [...labels.keys()];
    const wantedSet = new Set(wanted);
    const had = olds.members ?? [];
    const kept = had.filter((m) => wantedSet.has(m.memberId) && m.status !== unsettledStatus);
    const keptIds = new Set(kept.map((m) => m.memberId));
    const toRemove = had.filter((m) => !wantedSet.has(m.memberId)).map((m) => m.memberId);
    const toAdd = wanted.filter((m) => !keptIds.has(m));
    const managingProjectId = olds.managingProjectId;
    if (toRemove.length === 0 && toAdd.length === 0) {
      return { outs: outputsOf(imageId, news, kept, managingProjectId, labels) };
    }
    const headline = `Cannot change the members of image ${imageId}`;
    const identity = this.identity(news.cloud);
    const glance = await connectToImageService(identity, news.region, headline);
    const unsettled = new Set(
      had.filter((m) => m.status === unsettledStatus).map((m) => m.memberId),
    );
    const adopt = news.adoptExisting === true || adoptExistingForThisRun();
    const [removed, added] = await Promise.all([
      removeMembers(glance, imageId, toRemove, (notFound) =>
        foreignNotFound(identity, managingProjectId, headline, { imageId }, notFound),
      ),
      addMembers(glance, imageId, toAdd, adopt, unsettled),
    ]);
    const stillThere = had.filter((m) => removed.failed.some((f) => f.memberId === m.memberId));
    const outs = outputsOf(
      imageId,
      news,
      [...kept, ...added.members, ...stillThere],
      managingProjectId,
      labels,
    );
    if (removed.failed.length === 0 && added.failed.length === 0) {
      return { outs };
    }
    const problems: ProviderError[] = [];
    if (added.failed.length > 0) {
      problems.push(
        await explainAdditions(
          glance,
          () => currentProjectId(identity),
          imageId,
          added.failed,
          toAdd.length,
        ),
      );
    }
    if (removed.failed.length > 0) {
      problems.push(
        distrustedNotFound(removed.failed) ??
          (await explainRemovals(glance, imageId, removed.failed, toRemove.length)),
      );
    }
    const message = problems.map((p) => p.message).join("\n");
    throw Object.assign(new ProviderError(message), {
      id: imageId,
      properties: withProviderOf(news, outs),
      reasons: problems.map((p) => p.message),
    });
  }

  async delete(id: string, props: ImageMembersOutputs): Promise<void> {
    const imageId = props.imageId ?? id;
    const memberIds = (props.members ?? []).map((m) => m.memberId);
    if (memberIds.length === 0) {
      return;
    }
    const headline = `Cannot stop sharing image ${imageId} with ${count(memberIds.length, "project")}`;
    const identity = this.identity(props.cloud);
    const glance = await connectToImageService(identity, props.region, headline);
    const removed = await removeMembers(glance, imageId, memberIds, (notFound) =>
      foreignNotFound(identity, props.managingProjectId, headline, { imageId }, notFound),
    );
    if (removed.failed.length > 0) {
      // Nothing is taken out of state on a failed delete: the next destroy tries them all again
      // (those already gone answer 404, which is success).
      throw (
        distrustedNotFound(removed.failed) ??
        (await explainRemovals(glance, imageId, removed.failed, memberIds.length))
      );
    }
  }
}

/**
 * Outputs sorted by member id, each member with the label the program gives it now; a member
 * still in state that the program no longer wants (its DELETE failed) keeps its old label.
 */
function outputsOf(
  imageId: string,
  { region, cloud }: { region?: string; cloud?: string },
  members: ImageMembersMember[],
  managingProjectId: string | undefined,
  labels: ReadonlyMap<string, string>,
): ImageMembersOutputs {
  const byId = new Map(
    members.map((m) => [m.memberId, labelled(m, labels.get(m.memberId) ?? m.name)]),
  );
  return {
    imageId,
    ...(region ? { region } : {}),
    ...(cloud ? { cloud } : {}),
    members: [...byId.values()].sort((a, b) =>
      a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
    ),
    ...(managingProjectId ? { managingProjectId } : {}),
  };
}

/** The explanation of a 404 not to be trusted (another project's credentials), if any. */
function distrustedNotFound(failed: Failure[]): ProviderError | undefined {
  return failed.map((f) => f.error).find((e): e is ProviderError => e instanceof ProviderError);
}

/**
 * Properties for an error the engine stores as state: the outputs plus the serialized provider
 * (`__provider`), which the dynamic provider server adds to successful answers only.
 */
function withProviderOf(inputs: object, outs: ImageMembersOutputs): Record<string, unknown> {
  const provider = (inputs as Record<string, unknown>).__provider;
  return { ...outs, ...(provider !== undefined ? { __provider: provider } : {}) };
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}
