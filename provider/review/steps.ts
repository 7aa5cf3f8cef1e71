/**
 * Steps grouped per resource. A replacement shows in a preview either as one `replace` step or
 * as `create-replacement`, `replace` and `delete-replaced` sharing a URN: either way it is one
 * transition from the old state to the new inputs, counted once.
 */
import type { PreviewStep, ResourceState } from "./preview";
import { parseUrn } from "./urn";

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

/** The steps of a `pulumi preview --refresh`: the refresh's, then the plan's. */
export interface Phases {
  refresh: PreviewStep[];
  plan: PreviewStep[];
}

/** The type token of the stack resource every program registers first. */
export const stackType = "pulumi:pulumi:Stack";

/**
 * Splits the refresh steps from the plan's. The engine prints a refresh step as `refresh`, but
 * rewrites one that found a change to `update` (or `delete` when the resource is gone), so the
 * op alone cannot tell them apart. What can: the program registers its stack first, so the
 * plan starts at the stack's (last) step that is neither a refresh nor a deletion.
 */
export function splitPhases(steps: PreviewStep[]): Phases {
  let planStart = -1;
  steps.forEach((step, index) => {
    if (step.op !== "refresh" && step.op !== "delete" && parseUrn(step.urn)?.type === stackType) {
      planStart = index;
    }
  });
  if (planStart < 0) {
    return {
      refresh: steps.filter((step) => step.op === "refresh"),
      plan: steps.filter((step) => step.op !== "refresh"),
    };
  }
  const after = steps.slice(planStart);
  return {
    refresh: [...steps.slice(0, planStart), ...after.filter((step) => step.op === "refresh")],
    plan: after.filter((step) => step.op !== "refresh"),
  };
}

/** The plan's steps, one transition per URN, in first-seen order. */
export function planTransitions(steps: PreviewStep[]): Transition[] {
  const byUrn = new Map<string, PreviewStep[]>();
  for (const step of steps) {
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
