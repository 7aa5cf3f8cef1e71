import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConfiguredProvider } from "../common/configuredProvider";
import { adoptExistingForThisRun } from "../common/adoption";
import { listMembers, Member } from "../../glance";
import { ApiError } from "../../transport/errors";
import { Connection } from "../../core/connect";
import { imageForDiagnosis, ProviderError } from "../../core/explain";
import { checkImageId, checkOptionalBoolean, checkRegion, failures } from "../../core/validation";
import { explainOtherFailure } from "../common/memberFailures";
import { membersHiddenFromImport, nothingToImport } from "../common/importing";
import { notFoundVerdict } from "../common/notFound";
import { keptInState } from "../common/partialFailure";
import { addMembers, Failure, listedAmong, memberOf, removeMembers } from "./batch";
import { cameBackError, Revocation, revoke } from "../common/revocation";
import { checkCloud } from "../../core/cloudIdentity";
import { checkGrants, enforceGrants } from "../../core/allowedProjects";
import {
  count,
  describeIds,
  explainAdditions,
  explainHiddenMembers,
  explainRemovals,
} from "./failedMembers";
import {
  ImageMembersInputs,
  ImageMembersMember,
  ImageMembersOutputs,
  unsettledStatus,
} from "./types";
import { checkProjects } from "./checkProjects";
import { declaredProjects, listedProjects } from "../../core/projectsForm";
import {
  grantsAmong,
  grantsOf,
  labelled,
  normaliseInputs,
  projectsOf,
  sameLabels,
  wantedProjects,
} from "./projects";

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
    olds: ImageMembersInputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.CheckResult<ImageMembersInputs>> {
    const declared = declaredProjects(news);
    const inputs = normaliseInputs(news, declared);
    return {
      inputs,
      failures: failures(
        checkImageId(news.imageId),
        ...checkProjects(declared),
        checkRegion(news.region),
        checkOptionalBoolean(news.adoptExisting, "adoptExisting"),
        checkOptionalBoolean(news.exclusive, "exclusive"),
        checkCloud(news.cloud),
        ...checkGrants(this.projectRules, news.imageId, grantsOf(news, listedProjects(declared))),
        ...(await this.checkProjectIdShapes(
          "ImageMembers",
          news.imageId,
          listedProjects(declared),
        )),
        // Old inputs are kept as check answered them: compared in that form.
        ...(await this.checkStackCredentials("ImageMembers", olds, inputs)),
      ),
    };
  }

  async diff(
    _id: string,
    olds: ImageMembersOutputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.DiffResult> {
    return this.namingTheCloud("inputs", news, async () => {
      const replaces = (["imageId", "region"] as const).filter(
        (key) => (olds[key] ?? undefined) !== (news[key] ?? undefined),
      );
      if (replaces.length > 0) {
        // The same image in a region now named differently: its members must go first, or the
        // new resource's POSTs would meet them as duplicates.
        return { changes: true, replaces, deleteBeforeReplace: olds.imageId === news.imageId };
      }
      await this.refuseCloudChange(olds, news, {
        headline: `Cannot change the cloud of the members of image ${news.imageId}`,
        consequence:
          "Only the image's owner project can add or remove its members, so with the other " +
          "project's credentials this resource could not be updated or deleted.",
      });
      const wanted = wantedProjects(declaredProjects(news));
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
          !sameLabels(had, wanted) ||
          (olds.exclusive === true) !== (news.exclusive === true),
        replaces: [],
        deleteBeforeReplace: false,
      };
    });
  }

  async create(inputs: ImageMembersInputs): Promise<dynamic.CreateResult<ImageMembersOutputs>> {
    return this.namingTheCloud("inputs", inputs, async () => {
      const imageId = inputs.imageId;
      const labels = wantedProjects(declaredProjects(inputs)) ?? new Map<string, string>();
      const wanted = [...labels.keys()];
      enforceGrants(this.projectRules, imageId, grantsAmong(inputs, labels, wanted));
      const headline = `Cannot share image ${imageId} with ${count(wanted.length, "project")}`;
      const connection = await this.connect(inputs, headline);
      const adopt = inputs.adoptExisting === true || adoptExistingForThisRun();
      const added = await addMembers(connection.glance, imageId, wanted, adopt);
      const managingProjectId = await connection.projectId();
      const outs = outputsOf(imageId, inputs, added.members, managingProjectId, labels);
      if (added.failed.length === 0) {
        return { id: imageId, outs };
      }
      const error = await explainAdditions(connection, imageId, added.failed, wanted.length);
      if (outs.members.length === 0) {
        throw error; // nothing exists: an ordinary failed create
      }
      // Some members exist (or may): kept in state; the next pulumi up adds the rest.
      throw keptInState(error, imageId, outs, inputs);
    });
  }

  async read(
    id: string,
    props: Partial<ImageMembersOutputs> = {},
  ): Promise<dynamic.ReadResult<ImageMembersOutputs>> {
    return this.namingTheCloud("state", props, async () => {
      const imageId = props.imageId ?? id;
      const recorded = props.members; // none on an import (no state yet)
      const headline = `Cannot read the members of image ${imageId}`;
      const connection = await this.connect(props, headline);
      let listed: Member[];
      try {
        listed = await listMembers(connection.glance, imageId);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          // The list answers 404 only for a missing image (a private one answers 403).
          const distrusted = await notFoundVerdict({
            connection,
            recordedProjectId: props.managingProjectId,
            headline,
            subject: { imageId },
            notFound: error,
          });
          if (distrusted) throw distrusted;
          if (recorded === undefined) {
            // No state: an import (see ../common/importing.ts).
            throw await nothingToImport(
              connection,
              { kind: "ImageMembers", id, imageId, side: "owner" },
              error,
            );
          }
          return {}; // the image is gone, and its members with it
        }
        if (error instanceof ApiError && error.status === 403) {
          throw recorded === undefined
            ? await membersHiddenFromImport(
                connection,
                { kind: "ImageMembers", id, imageId },
                error,
              )
            : await explainHiddenMembers(connection, imageId, recorded, headline, error);
        }
        throw explainOtherFailure(error, headline, {
          imageId,
          memberId: describeIds(recorded ?? []),
        });
      }
      // Members in Glance that state does not have are not ours (another stack's, made by hand):
      // they are neither adopted nor reported as drift, unless the resource is `exclusive`: then
      // they are, and the next update removes them. An import (`pulumi import` of the plugin's
      // resource: no state at all yet) takes every member the image has.
      const everyMember = recorded === undefined || props.exclusive === true;
      const ours = new Set(recorded?.map((m) => m.memberId));
      const outs = outputsOf(
        imageId,
        props,
        listed.filter((m) => everyMember || ours.has(m.memberId)).map(memberOf),
        props.managingProjectId,
        new Map(recorded?.map((m) => [m.memberId, m.name ?? m.memberId])),
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
          ...(outs.exclusive ? { exclusive: true } : {}),
        } as unknown as ImageMembersOutputs,
      };
    });
  }

  /**
   * Deletes the members state has and the inputs no longer want, adds those they want and
   * state has not, and leaves the others alone (no request for them). Members state marks as
   * possibly created are added again, a 409 then adopting them. On a partial failure what
   * exists is kept in state (../common/partialFailure.ts).
   */
  async update(
    id: string,
    olds: ImageMembersOutputs,
    news: ImageMembersInputs,
  ): Promise<dynamic.UpdateResult<ImageMembersOutputs>> {
    return this.namingTheCloud("inputs", news, async () => {
      const imageId = news.imageId ?? olds.imageId ?? id;
      const labels = wantedProjects(declaredProjects(news)) ?? new Map<string, string>();
      const wanted = [...labels.keys()];
      const wantedSet = new Set(wanted);
      const had = olds.members ?? [];
      const kept = had.filter((m) => wantedSet.has(m.memberId) && m.status !== unsettledStatus);
      const keptIds = new Set(kept.map((m) => m.memberId));
      const toRemove = had.filter((m) => !wantedSet.has(m.memberId)).map((m) => m.memberId);
      const toAdd = wanted.filter((m) => !keptIds.has(m));
      enforceGrants(this.projectRules, imageId, grantsAmong(news, labels, toAdd));
      const managingProjectId = olds.managingProjectId;
      if (toRemove.length === 0 && toAdd.length === 0) {
        return { outs: outputsOf(imageId, news, kept, managingProjectId, labels) };
      }
      const headline = `Cannot change the members of image ${imageId}`;
      const connection = await this.connect(news, headline);
      const unsettled = new Set(
        had.filter((m) => m.status === unsettledStatus).map((m) => m.memberId),
      );
      const adopt = news.adoptExisting === true || adoptExistingForThisRun();
      const [removed, added] = await Promise.all([
        revokeMembers(connection, imageId, toRemove, managingProjectId, headline),
        addMembers(connection.glance, imageId, toAdd, adopt, unsettled),
      ]);
      const notRemoved = new Set([...removed.failed.map((f) => f.memberId), ...removed.cameBack]);
      const stillThere = had.filter((m) => notRemoved.has(m.memberId));
      const outs = outputsOf(
        imageId,
        news,
        [...kept, ...added.members, ...stillThere],
        managingProjectId,
        labels,
      );
      if (notRemoved.size === 0 && added.failed.length === 0) {
        return { outs };
      }
      const problems: ProviderError[] = [];
      if (added.failed.length > 0) {
        problems.push(await explainAdditions(connection, imageId, added.failed, toAdd.length));
      }
      problems.push(...(await explainRevocation(connection, imageId, removed, toRemove.length)));
      const message = problems.map((p) => p.message).join("\n");
      throw keptInState(
        new ProviderError(message),
        imageId,
        outs,
        news,
        problems.map((p) => p.message),
      );
    });
  }

  async delete(id: string, props: ImageMembersOutputs): Promise<void> {
    return this.namingTheCloud("state", props, async () => {
      const imageId = props.imageId ?? id;
      const memberIds = (props.members ?? []).map((m) => m.memberId);
      if (memberIds.length === 0) {
        return;
      }
      const headline = `Cannot stop sharing image ${imageId} with ${count(memberIds.length, "project")}`;
      const connection = await this.connect(props, headline);
      const removed = await revokeMembers(
        connection,
        imageId,
        memberIds,
        props.managingProjectId,
        headline,
      );
      // Nothing is taken out of state on a failed delete: the next destroy tries them all again
      // (those already gone answer 404, which is success).
      const problems = await explainRevocation(connection, imageId, removed, memberIds.length);
      if (problems.length > 0) {
        throw problems.length === 1
          ? problems[0]
          : new ProviderError(problems.map((p) => p.message).join("\n"));
      }
    });
  }
}

/**
 * Removes members for good (../common/revocation.ts): their DELETEs, then one list of the
 * image, and DELETEs again of those it still lists, a bounded number of times.
 */
function revokeMembers(
  connection: Connection,
  imageId: string,
  memberIds: string[],
  recordedProjectId: string | undefined,
  headline: string,
): Promise<Revocation> {
  const judge = judgeRemovals(connection, recordedProjectId, headline, imageId);
  return revoke(memberIds, {
    remove: (ids) => removeMembers(connection.glance, imageId, ids, judge),
    stillListed: (ids) => listedAmong(connection.glance, imageId, ids),
  });
}

/** The errors of a removal: members whose DELETE (or its confirmation) failed, members that came back. */
async function explainRevocation(
  connection: Connection,
  imageId: string,
  removed: Revocation,
  attempted: number,
): Promise<ProviderError[]> {
  const problems: ProviderError[] = [];
  if (removed.failed.length > 0) {
    problems.push(
      distrustedNotFound(removed.failed) ??
        (await explainRemovals(connection, imageId, removed.failed, attempted)),
    );
  }
  if (removed.cameBack.length > 0) {
    problems.push(cameBackError("ImageMembers", imageId, removed.cameBack));
  }
  return problems;
}

/**
 * Outputs sorted by member id, each member with the label the program gives it now; a member
 * still in state that the program no longer wants (its DELETE failed) keeps its old label.
 */
function outputsOf(
  imageId: string,
  { region, cloud, exclusive }: { region?: string; cloud?: string; exclusive?: boolean },
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
    ...(exclusive === true ? { exclusive } : {}),
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
 * The not-found verdict for a batch of removals: one look at the image settles whether it
 * hides its members, for all of them.
 */
function judgeRemovals(
  connection: Connection,
  recordedProjectId: string | undefined,
  headline: string,
  imageId: string,
) {
  let image: ReturnType<typeof imageForDiagnosis> | undefined;
  const readImage = () => (image ??= imageForDiagnosis(connection.glance, imageId));
  return (memberId: string, notFound: ApiError) =>
    notFoundVerdict({
      connection,
      recordedProjectId,
      headline,
      subject: { imageId },
      notFound,
      hidden: { stillExisting: `the membership of project ${memberId}`, readImage },
    });
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}
