/**
 * Who gains, loses or swaps access to which image, whose acceptance status changes, and what
 * changed outside Pulumi, computed as exact set differences by project id per resource.
 */
import type { Preview, PreviewStep, ResourceState } from "./preview";
import {
  acceptanceOf,
  Grant,
  grantsOf,
  Opacity,
  ProjectView,
  ResourceKind,
  resourceKinds,
  ResourceRef,
  resourceRefOf,
} from "./resources";
import { planTransitions, splitPhases, Transition } from "./steps";
import { parseUrn } from "./urn";
import { knownKey, readShown, Shown } from "./values";

/** One change of access the report lists under its image. */
export type AccessChange =
  | { type: "gain"; image: Shown; project: ProjectView; source: ResourceRef }
  | { type: "loss"; image: Shown; project: ProjectView; status: Shown; source: ResourceRef }
  | {
      type: "swap";
      image: Shown;
      from: ProjectView;
      fromStatus: Shown;
      to: ProjectView;
      source: ResourceRef;
    }
  | {
      type: "acceptance";
      image: Shown;
      project: ProjectView;
      from: Shown;
      to: Shown;
      /** `create`: starts managing; `delete`: stops and resets to `to`. */
      op: "create" | "update" | "delete";
      source: ResourceRef;
    }
  | {
      type: "drift";
      image: Shown;
      project: ProjectView;
      /**
       * `deleted`: gone outside Pulumi; `status`: its status was changed outside Pulumi;
       * `granted`: a member nobody declared, read by the refresh of an `exclusive` resource.
       */
      what: "deleted" | "status" | "granted";
      before: Shown;
      after: Shown;
      source: ResourceRef;
    }
  | { type: "opaque"; image: Shown; what: Opacity; source: ResourceRef };

/** Everything the report says about a preview. */
export interface Review {
  changes: AccessChange[];
  /** Steps that change no access, by op (`same` counted apart as unchanged). */
  otherOps: Map<string, number>;
  unchanged: number;
  /** Resources of this package in the preview (any op). */
  ownResources: number;
  /**
   * Unchanged resources the preview counts but does not list (it lists `same` steps only with
   * `--show-sames`): any of them may be one of this package's.
   */
  unlistedUnchanged: number;
  previewErrors: number;
}

const absent: Shown = { kind: "absent" };

/** Computes the review of a parsed preview. */
export function reviewPreview(preview: Preview): Review {
  const review: Review = {
    changes: [],
    otherOps: new Map(),
    unchanged: 0,
    ownResources: 0,
    unlistedUnchanged: 0,
    previewErrors: preview.errorCount,
  };
  const ownUrns = new Set<string>();
  const phases = splitPhases(preview.steps);
  const transitions = planTransitions(phases.plan);
  const plannedByUrn = new Map(transitions.map((transition) => [transition.urn, transition]));
  for (const transition of transitions) {
    const ref = ownResource(transition.urn, [transition.old?.type, transition.new?.type]);
    if (ref) ownUrns.add(transition.urn);
    const found = ref ? transitionChanges(ref, transition) : [];
    review.changes.push(...found);
    if (transition.op === "same") review.unchanged += 1;
    else if (found.length === 0) {
      review.otherOps.set(transition.op, (review.otherOps.get(transition.op) ?? 0) + 1);
    }
  }
  for (const step of phases.refresh) {
    const ref = ownResource(step.urn, [step.oldState?.type, step.newState?.type]);
    if (!ref) continue;
    ownUrns.add(step.urn);
    review.changes.push(...driftChanges(ref, step, plannedByUrn.get(step.urn)));
  }
  review.ownResources = ownUrns.size;
  const listed = review.unchanged;
  review.unchanged = Math.max(listed, preview.unchangedCount ?? 0);
  review.unlistedUnchanged = review.unchanged - listed;
  return review;
}

/** The package's resource a URN (or, failing that, the states' type) names, if any. */
function ownResource(urn: string, stateTypes: (string | undefined)[]): ResourceRef | undefined {
  const parsed = parseUrn(urn);
  const kind: ResourceKind | undefined = [parsed?.type, ...stateTypes]
    .map((type) =>
      type !== undefined && Object.hasOwn(resourceKinds, type) ? resourceKinds[type] : undefined,
    )
    .find((found) => found !== undefined);
  if (!kind) return undefined;
  return parsed ? resourceRefOf(kind, parsed) : { kind, name: urn };
}

function transitionChanges(ref: ResourceRef, transition: Transition): AccessChange[] {
  if (!["create", "update", "delete", "replace"].includes(transition.op)) return [];
  if (ref.kind === "ImageMemberAcceptance") return acceptanceChanges(ref, transition);
  const before = transition.old ? grantsOf(ref, transition.old, "old") : undefined;
  const after = transition.new ? grantsOf(ref, transition.new, "new") : undefined;
  // A list that cannot be read on one side makes any difference a guess: say so instead.
  const opaque = after?.opaque ? after : before?.opaque ? before : undefined;
  if (opaque?.opaque) {
    return [{ type: "opaque", image: opaque.image, what: opaque.opaque, source: ref }];
  }
  return diffGrants(ref, before?.grants ?? [], after?.grants ?? []);
}

function grantKey(grant: Grant): string | undefined {
  const image = knownKey(grant.image);
  const project = knownKey(grant.project.id);
  return image === undefined || project === undefined ? undefined : `${image}\u0000${project}`;
}

/** Old grants minus new ones are losses, new minus old gains; one of each in a slot a swap. */
export function diffGrants(ref: ResourceRef, before: Grant[], after: Grant[]): AccessChange[] {
  if (before.length === 0 || after.length === 0) {
    // A creation or a deletion: every grant is new, or every one is gone.
    return [
      ...before.map((old): AccessChange => lossOf(ref, old)),
      ...after.map((grant): AccessChange => gainOf(ref, grant)),
    ];
  }
  const afterKeys = new Set(after.map(grantKey).filter((key) => key !== undefined));
  const beforeKeys = new Set(before.map(grantKey).filter((key) => key !== undefined));
  const lost = before.filter((grant) => !afterKeys.has(grantKey(grant) ?? "\0"));
  const gained = after.filter((grant) => !beforeKeys.has(grantKey(grant) ?? "\0"));
  const changes: AccessChange[] = [];
  const gainedBySlot = new Map<string, Grant>();
  for (const grant of gained) gainedBySlot.set(slotKey(grant), grant);
  const swappedIn = new Set<Grant>();
  for (const old of lost) {
    const replacement = gainedBySlot.get(slotKey(old));
    if (replacement && !swappedIn.has(replacement)) {
      swappedIn.add(replacement);
      changes.push({
        type: "swap",
        image: old.image,
        from: old.project,
        fromStatus: old.status,
        to: replacement.project,
        source: ref,
      });
    } else {
      changes.push(lossOf(ref, old));
    }
  }
  for (const grant of gained) {
    if (!swappedIn.has(grant)) changes.push(gainOf(ref, grant));
  }
  return changes;
}

function lossOf(source: ResourceRef, grant: Grant): AccessChange {
  const { image, project, status } = grant;
  return { type: "loss", image, project, status, source };
}

function gainOf(source: ResourceRef, grant: Grant): AccessChange {
  return { type: "gain", image: grant.image, project: grant.project, source };
}

/** A slot is only shared within one image: a project moved to another image is no swap. */
function slotKey(grant: Grant): string {
  const image = knownKey(grant.image) ?? `(${grant.image.kind})`;
  return `${image}\u0000${grant.slot}`;
}

function acceptanceChanges(ref: ResourceRef, transition: Transition): AccessChange[] {
  const before = transition.old ? acceptanceOf(transition.old, "old") : undefined;
  const after = transition.new ? acceptanceOf(transition.new, "new") : undefined;
  const sameTarget =
    before !== undefined &&
    after !== undefined &&
    knownKey(before.image) !== undefined &&
    knownKey(before.image) === knownKey(after.image) &&
    (after.project.id.kind === "absent" ||
      knownKey(before.project.id) === knownKey(after.project.id));
  if (before && after && sameTarget) {
    if (before.status.kind === "known" && knownKey(before.status) === knownKey(after.status)) {
      return [];
    }
    const project = after.project.id.kind === "absent" ? before.project : after.project;
    return [acceptance(ref, before.image, project, before.status, after.status, "update")];
  }
  const changes: AccessChange[] = [];
  if (before) {
    const reset: Shown =
      before.statusOnDelete.kind === "absent"
        ? { kind: "known", value: "rejected" }
        : before.statusOnDelete;
    changes.push(acceptance(ref, before.image, before.project, before.status, reset, "delete"));
  }
  if (after) {
    changes.push(acceptance(ref, after.image, after.project, absent, after.status, "create"));
  }
  return changes;
}

function acceptance(
  source: ResourceRef,
  image: Shown,
  project: ProjectView,
  from: Shown,
  to: Shown,
  op: "create" | "update" | "delete",
): AccessChange {
  return { type: "acceptance", image, project, from, to, op, source };
}

/**
 * The state a refresh read, as the preview shows it. This engine prints every refresh step of a
 * preview as `refresh` with the state from before the refresh on both sides; what the refresh
 * read is the old state of the resource's plan step (an omitted `same` step unless the preview
 * ran with `--show-sames`), and a plan that creates a resource the state had means the refresh
 * found it gone. Engines that rewrite the step to `update` or `delete` are read as such.
 */
function refreshedState(
  step: PreviewStep,
  planned: Transition | undefined,
): ResourceState | "gone" | undefined {
  if (step.op === "delete") return "gone";
  if (planned) return planned.old ?? (planned.op === "create" ? "gone" : undefined);
  return step.op === "update" || step.op === "refresh" ? step.newState : undefined;
}

/** What a refresh found changed outside Pulumi: a deleted member, a status set by hand. */
function driftChanges(
  ref: ResourceRef,
  step: PreviewStep,
  planned: Transition | undefined,
): AccessChange[] {
  const before = step.oldState;
  const after = refreshedState(step, planned);
  if (!before || !after) return [];
  if (ref.kind === "ImageMembers") return imageMembersDrift(ref, before, after);
  const image = readShown(before.inputs.imageId ?? before.outputs.imageId);
  const project: ProjectView =
    ref.kind === "ImageMember"
      ? (grantsOf(ref, before, "old").grants[0]?.project ?? { id: absent })
      : { id: readShown(before.outputs.memberId ?? before.inputs.memberId) };
  const oldStatus = readShown(before.outputs.status);
  if (after === "gone") {
    return [
      {
        type: "drift",
        image,
        project,
        what: "deleted",
        before: oldStatus,
        after: absent,
        source: ref,
      },
    ];
  }
  return statusDrift(ref, image, project, oldStatus, readShown(after.outputs.status));
}

function imageMembersDrift(
  ref: ResourceRef,
  before: ResourceState,
  after: ResourceState | "gone",
): AccessChange[] {
  const now = after === "gone" ? [] : grantsOf(ref, after, "old").grants;
  const nowById = new Map(now.map((grant) => [knownKey(grant.project.id), grant]));
  const changes: AccessChange[] = [];
  for (const grant of grantsOf(ref, before, "old").grants) {
    const current = nowById.get(knownKey(grant.project.id));
    if (!current) {
      changes.push({
        type: "drift",
        image: grant.image,
        project: grant.project,
        what: "deleted",
        before: grant.status,
        after: absent,
        source: ref,
      });
    } else {
      changes.push(...statusDrift(ref, grant.image, grant.project, grant.status, current.status));
    }
  }
  return [...changes, ...grantedOutside(ref, before, now)];
}

/** Members the refresh read that state did not have: only an `exclusive` resource reads them. */
function grantedOutside(ref: ResourceRef, before: ResourceState, now: Grant[]): AccessChange[] {
  const had = new Set(grantsOf(ref, before, "old").grants.map((g) => knownKey(g.project.id)));
  return now
    .filter((grant) => !had.has(knownKey(grant.project.id)))
    .map((grant) => ({
      type: "drift",
      image: grant.image,
      project: grant.project,
      what: "granted",
      before: absent,
      after: grant.status,
      source: ref,
    }));
}

function statusDrift(
  source: ResourceRef,
  image: Shown,
  project: ProjectView,
  before: Shown,
  after: Shown,
): AccessChange[] {
  if (after.kind !== "known" || knownKey(before) === after.value) return [];
  return [{ type: "drift", image, project, what: "status", before, after, source }];
}
