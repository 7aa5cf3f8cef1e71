import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConfiguredProvider } from "../common/configuredProvider";
import { adoptExistingForThisRun, mayHaveBeenCreated } from "../common/adoption";
import { createMember, deleteMember, getMember, listMembers, Member } from "../../glance";
import { ServiceConnection } from "../../identity/session";
import { ApiError, TransportError } from "../../transport/errors";
import {
  explainCommonFailure,
  fail,
  imageForDiagnosis,
  ProviderError,
  serverEvidence,
} from "../common/explain";
import { connectToImageService, openSession } from "../common/session";
import {
  checkImageId,
  checkOptionalBoolean,
  checkProjectId,
  checkRegion,
  failures,
  unknownValue,
} from "../common/validation";
import { explainCreateFailure, explainOtherFailure } from "../imageMember/explain";

export interface ImageMembersInputs {
  imageId: string;
  /** The projects to share the image with; order does not matter. */
  memberIds: string[];
  region?: string;
  /** Take over memberships that already exist instead of failing with a conflict. */
  adoptExisting?: boolean;
}

/** One membership as kept in state: no schema, no image id (the resource has it), to stay small. */
export interface ImageMembersMember {
  memberId: string;
  /**
   * `pending`, `accepted` or `rejected`; `unknown` for a member whose POST may have reached
   * Glance although no answer said so (the next update or refresh settles it).
   */
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface ImageMembersOutputs {
  imageId: string;
  region?: string;
  /** Sorted by memberId. */
  members: ImageMembersMember[];
}

/** Requests in flight at once per resource: fast for hundreds of members, gentle on Glance. */
export const memberConcurrency = 8;

/** Status of a member that may or may not exist (its POST's answer was lost, then it failed). */
export const unsettledStatus = "unknown";

/** Failed members explained in full (each explanation may cost a GET of the image). */
const explainedFailures = 3;

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
      inputs: news,
      failures: failures(
        checkImageId(news.imageId),
        ...checkMemberIds(news.memberIds),
        checkRegion(news.region),
        checkOptionalBoolean(news.adoptExisting, "adoptExisting"),
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
    const wanted = news.memberIds;
    if (!Array.isArray(wanted) || wanted.includes(unknownValue)) {
      return { changes: true, replaces: [], deleteBeforeReplace: false }; // known once applied
    }
    const had = olds.members ?? [];
    const settled = had.every((m) => m.status !== unsettledStatus);
    return {
      changes:
        !settled ||
        !sameSet(
          had.map((m) => m.memberId),
          wanted,
        ),
      replaces: [],
      deleteBeforeReplace: false,
    };
  }

  async create(inputs: ImageMembersInputs): Promise<dynamic.CreateResult<ImageMembersOutputs>> {
    const imageId = inputs.imageId;
    const wanted = unique(inputs.memberIds ?? []);
    const headline = `Cannot share image ${imageId} with ${count(wanted.length, "project")}`;
    const glance = await connectToImageService(this.stackSettings, inputs.region, headline);
    const adopt = inputs.adoptExisting === true || adoptExistingForThisRun();
    const added = await addMembers(glance, imageId, wanted, adopt);
    const outs = outputsOf(imageId, inputs.region, added.members);
    if (added.failed.length === 0) {
      return { id: imageId, outs };
    }
    const error = await this.explainAdditions(glance, imageId, added.failed, wanted.length);
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
    const glance = await connectToImageService(this.stackSettings, props.region, headline);
    let listed: Member[];
    try {
      listed = await listMembers(glance, imageId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return {}; // the image is gone, and its members with it
      }
      if (error instanceof ApiError && error.status === 403) {
        throw await this.explainHiddenMembers(glance, imageId, had, headline, error);
      }
      throw explainOtherFailure(error, headline, { imageId, memberId: describeIds(had) });
    }
    // Members in Glance that state does not have are not ours (another stack's, made by hand):
    // they are neither adopted nor reported as drift.
    const ours = new Set(had.map((m) => m.memberId));
    const outs = outputsOf(
      imageId,
      props.region,
      listed.filter((m) => ours.has(m.memberId)).map(memberOf),
    );
    return {
      id: imageId,
      props: outs,
      // Inputs from what exists: a member deleted out of band shows as drift in the next preview.
      inputs: {
        imageId,
        memberIds: outs.members.map((m) => m.memberId),
        ...(outs.region ? { region: outs.region } : {}),
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
    const wanted = unique(news.memberIds ?? []);
    const wantedSet = new Set(wanted);
    const had = olds.members ?? [];
    const kept = had.filter((m) => wantedSet.has(m.memberId) && m.status !== unsettledStatus);
    const keptIds = new Set(kept.map((m) => m.memberId));
    const toRemove = had.filter((m) => !wantedSet.has(m.memberId)).map((m) => m.memberId);
    const toAdd = wanted.filter((m) => !keptIds.has(m));
    if (toRemove.length === 0 && toAdd.length === 0) {
      return { outs: outputsOf(imageId, news.region, kept) };
    }
    const headline = `Cannot change the members of image ${imageId}`;
    const glance = await connectToImageService(this.stackSettings, news.region, headline);
    const unsettled = new Set(
      had.filter((m) => m.status === unsettledStatus).map((m) => m.memberId),
    );
    const adopt = news.adoptExisting === true || adoptExistingForThisRun();
    const [removed, added] = await Promise.all([
      removeMembers(glance, imageId, toRemove),
      addMembers(glance, imageId, toAdd, adopt, unsettled),
    ]);
    const stillThere = had.filter((m) => removed.failed.some((f) => f.memberId === m.memberId));
    const outs = outputsOf(imageId, news.region, [...kept, ...added.members, ...stillThere]);
    if (removed.failed.length === 0 && added.failed.length === 0) {
      return { outs };
    }
    const problems: ProviderError[] = [];
    if (added.failed.length > 0) {
      problems.push(await this.explainAdditions(glance, imageId, added.failed, toAdd.length));
    }
    if (removed.failed.length > 0) {
      problems.push(await explainRemovals(glance, imageId, removed.failed, toRemove.length));
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
    const glance = await connectToImageService(this.stackSettings, props.region, headline);
    const removed = await removeMembers(glance, imageId, memberIds);
    if (removed.failed.length > 0) {
      // Nothing is taken out of state on a failed delete: the next destroy tries them all again
      // (those already gone answer 404, which is success).
      throw await explainRemovals(glance, imageId, removed.failed, memberIds.length);
    }
  }

  private async explainAdditions(
    glance: ServiceConnection,
    imageId: string,
    failed: Failure[],
    attempted: number,
  ): Promise<ProviderError> {
    const session = openSession(this.stackSettings);
    const projectId = () => session.projectId().catch(() => undefined);
    const shown = failed.slice(0, explainedFailures);
    const explained = await Promise.all(
      shown.map((f) =>
        explainCreateFailure(f.error, { imageId, memberId: f.memberId }, glance, projectId),
      ),
    );
    // The explanations are ImageMember's; their advice names that resource.
    const lines = explained.map(
      (e) => `- ${e.message.replace("on this ImageMember and", "on this ImageMembers and")}`,
    );
    if (failed.length > shown.length) {
      const rest = failed.slice(shown.length);
      lines.push(
        `- and ${count(rest.length, "more project")}: ${rest
          .map((f) => `${f.memberId} (${shortReason(f.error)})`)
          .join(", ")}`,
      );
    }
    return new ProviderError(
      `Cannot share image ${imageId} with ${count(failed.length, "project")} of the ${attempted} ` +
        `to add; the members that were added are kept in state, and the next pulumi up adds the ` +
        `others (nothing was rolled back):\n${lines.join("\n")}`,
    );
  }

  /** A 403 on listing: the image is no longer shared, which hides members without deleting them. */
  private async explainHiddenMembers(
    glance: ServiceConnection,
    imageId: string,
    had: ImageMembersMember[],
    headline: string,
    forbidden: ApiError,
  ): Promise<ProviderError> {
    const image = await imageForDiagnosis(glance, imageId);
    if (image && image !== "not-found" && image.visibility && image.visibility !== "shared") {
      return fail(
        headline,
        `image ${imageId} is now "${image.visibility}", so the image service hides its members, but ` +
          `the memberships of ${describeIds(had)} still exist and are kept in state. Make the image ` +
          `shared again (openstack image set --shared ${imageId}); if it should stay ${image.visibility}, ` +
          `remove this resource from the program and from state with pulumi state delete.`,
        serverEvidence(forbidden),
      );
    }
    return explainOtherFailure(forbidden, headline, { imageId, memberId: describeIds(had) });
  }
}

interface Failure {
  memberId: string;
  error: unknown;
}

/**
 * POSTs each member once, `memberConcurrency` at a time. A 409 is adopted (read with a GET)
 * when the user asked for it, when an earlier attempt of the same POST may have landed, or when
 * state marks the member as possibly created by an earlier run.
 */
async function addMembers(
  glance: ServiceConnection,
  imageId: string,
  memberIds: string[],
  adoptExisting: boolean,
  possiblyOurs: ReadonlySet<string> = new Set(),
): Promise<{ members: ImageMembersMember[]; failed: Failure[] }> {
  const members: ImageMembersMember[] = [];
  const failed: Failure[] = [];
  await forEachLimited(memberIds, memberConcurrency, async (memberId) => {
    try {
      members.push(memberOf(await createMember(glance, imageId, memberId)));
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.status === 409 &&
        (error.afterLostResponse || adoptExisting || possiblyOurs.has(memberId))
      ) {
        try {
          members.push(memberOf(await getMember(glance, imageId, memberId)));
        } catch (readError) {
          // It exists (409 said so): keep it in state even though it could not be read.
          members.push(unsettledMember(memberId));
          failed.push({ memberId, error: readError });
        }
        return;
      }
      if (mayHaveBeenCreated(error)) {
        members.push(unsettledMember(memberId));
      }
      failed.push({ memberId, error });
    }
  });
  return { members, failed };
}

/** DELETEs each member once, `memberConcurrency` at a time; a 404 means done. */
async function removeMembers(
  glance: ServiceConnection,
  imageId: string,
  memberIds: string[],
): Promise<{ failed: Failure[] }> {
  const failed: Failure[] = [];
  let image: ReturnType<typeof imageForDiagnosis> | undefined;
  await forEachLimited(memberIds, memberConcurrency, async (memberId) => {
    try {
      await deleteMember(glance, imageId, memberId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // Gone, unless the image was made private, which hides members without deleting them
        // (Glance answers 404 or 403 then). One look at the image settles it for all members.
        image ??= imageForDiagnosis(glance, imageId);
        const seen = await image;
        if (seen === "not-found" || (seen && (!seen.visibility || seen.visibility === "shared"))) {
          return;
        }
      }
      failed.push({ memberId, error });
    }
  });
  return { failed };
}

async function explainRemovals(
  glance: ServiceConnection,
  imageId: string,
  failed: Failure[],
  attempted: number,
): Promise<ProviderError> {
  const ids = failed.map((f) => f.memberId);
  const headline =
    `Cannot stop sharing image ${imageId} with ${count(failed.length, "project")} of the ${attempted} ` +
    `to remove (${describeIdList(ids)}); they are kept in state`;
  const first = failed[0].error;
  const hidden =
    first instanceof ApiError && (first.status === 403 || first.status === 404)
      ? await imageForDiagnosis(glance, imageId)
      : undefined;
  if (hidden && hidden !== "not-found" && hidden.visibility && hidden.visibility !== "shared") {
    return fail(
      headline,
      `image ${imageId} is now "${hidden.visibility}", so the image service hides its members, but ` +
        `they still exist. Make the image shared again (openstack image set --shared ${imageId}) and ` +
        `run pulumi up or destroy again; if it should stay ${hidden.visibility}, remove this resource ` +
        `from state with pulumi state delete.`,
      serverEvidence(first as ApiError),
    );
  }
  if (first instanceof ApiError && first.status === 404) {
    return fail(
      headline,
      `the image service says they are not found, but image ${imageId} could not be read to ` +
        `confirm it; nothing was changed in state. Try again.`,
      serverEvidence(first),
    );
  }
  return explainOtherFailure(first, headline, { imageId, memberId: ids[0] });
}

function checkMemberIds(value: unknown): ReturnType<typeof checkProjectId>[] {
  if (value === unknownValue) {
    return [];
  }
  if (!Array.isArray(value)) {
    return [
      {
        property: "memberIds",
        reason: `memberIds must be a list of project ids; got ${value === undefined ? "nothing" : `a ${typeof value}`}`,
      },
    ];
  }
  const results = value.map((id, i) => checkProjectId(id, `memberIds[${i}]`));
  const seen = new Set<unknown>();
  value.forEach((id, i) => {
    if (id === unknownValue) return;
    if (seen.has(id)) {
      results.push({
        property: `memberIds[${i}]`,
        reason: `memberIds lists project ${JSON.stringify(id)} more than once; list each project once`,
      });
    }
    seen.add(id);
  });
  return results;
}

/** Runs `work` on every item, at most `limit` at a time; never rejects (work catches its own). */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function memberOf(member: Member): ImageMembersMember {
  return {
    memberId: member.memberId,
    status: member.status,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
  };
}

function unsettledMember(memberId: string): ImageMembersMember {
  return { memberId, status: unsettledStatus, createdAt: "", updatedAt: "" };
}

function outputsOf(
  imageId: string,
  region: string | undefined,
  members: ImageMembersMember[],
): ImageMembersOutputs {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  return {
    imageId,
    ...(region ? { region } : {}),
    members: [...byId.values()].sort((a, b) =>
      a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
    ),
  };
}

/**
 * Properties for an error the engine stores as state: the outputs plus the serialized provider
 * (`__provider`), which the dynamic provider server adds to successful answers only.
 */
function withProviderOf(inputs: object, outs: ImageMembersOutputs): Record<string, unknown> {
  const provider = (inputs as Record<string, unknown>).__provider;
  return { ...outs, ...(provider !== undefined ? { __provider: provider } : {}) };
}

function shortReason(error: unknown): string {
  if (error instanceof ApiError) return `HTTP ${error.status}`;
  if (error instanceof TransportError) return error.reason;
  return explainCommonFailure(error, "")?.message ?? String((error as Error)?.message ?? error);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describeIdList(ids: string[]): string {
  const shown = ids.slice(0, 5).join(", ");
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

function describeIds(members: ImageMembersMember[]): string {
  return members.length === 0
    ? "no project"
    : `project${members.length === 1 ? "" : "s"} ${describeIdList(members.map((m) => m.memberId))}`;
}
