/**
 * Steps grouped per resource. A replacement shows in a preview either as one `replace` step or
 * as `create-replacement`, `replace` and `delete-replaced` sharing a URN: either way it is one
 * transition from the old state to the new inputs, counted once.
 */
import type { PreviewStep, ResourceState } from "./preview";

/** What the plan does to one resource, from its old state to its new inputs. */
export interface Transition {
  urn: string;
  /** `create`, `update`, `delete`, `replace`, `same`, or another engine op as given. */
  op: string;
  /** The state before the plan; absent for a creation. */
  old?: ResourceState;
  /** The state the plan leads to; absent for a deletion. */
  new?: ResourceState;
}

const replaceOps = new Set(["replace", "create-replacement", "delete-replaced"]);
const removingOps = new Set(["delete", "delete-replaced", "discard", "discard-replaced"]);

/** The plan's steps (not the refresh steps), one transition per URN, in first-seen order. */
export function planTransitions(steps: PreviewStep[]): Transition[] {
  const byUrn = new Map<string, PreviewStep[]>();
  for (const step of steps) {
    if (step.op === "refresh") continue;
    const group = byUrn.get(step.urn);
    if (group) group.push(step);
    else byUrn.set(step.urn, [step]);
  }
  return [...byUrn].map(([urn, group]) => transitionOf(urn, group));
}

function transitionOf(urn: string, group: PreviewStep[]): Transition {
  const ops = new Set(group.map((step) => step.op));
  const replaced =
    [...ops].some((op) => replaceOps.has(op)) || (ops.has("create") && ops.has("delete"));
  const op = replaced ? "replace" : group[0].op;
  const old = group.find((step) => step.oldState !== undefined)?.oldState;
  const creating = group.filter((step) => !removingOps.has(step.op) && step.newState);
  const next = creating.length > 0 ? creating[creating.length - 1].newState : undefined;
  return { urn, op, old: op === "create" ? undefined : old, new: next };
}

/** The refresh steps of a `pulumi preview --refresh`: the state before and after reading it. */
export function refreshSteps(steps: PreviewStep[]): PreviewStep[] {
  return steps.filter((step) => step.op === "refresh");
}
