/**
 * Builders of `pulumi preview --json` documents in the shape the engine prints (checked against
 * the recorded previews in tests/unit/fixtures/), for the review command's unit tests.
 */

export const stackUrn = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
export const imageA = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
export const imageB = "6f1b2c3d-0000-4000-8000-00000000000b";

type Kind = "ImageMember" | "ImageMembers" | "ImageMemberAcceptance";

export interface State {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface Step {
  op: string;
  urn: string;
  provider?: string;
  oldState?: State;
  newState?: State;
}

/** The type token of one of the package's resources. */
export function typeOf(kind: Kind): string {
  return `pulumi-nodejs:dynamic/images:${kind}`;
}

/** A URN for a resource of the package, optionally under an ImageShare component. */
export function urnOf(kind: Kind, name: string, share?: string): string {
  const type = share ? `pulumi-image-members:index:ImageShare$${typeOf(kind)}` : typeOf(kind);
  return `urn:pulumi:dev::app::${type}::${name}`;
}

/** A state of one of the package's resources (outputs default to the inputs). */
export function state(
  kind: Kind,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown> = inputs,
): State {
  const provider = "exports.handler = __f0; …";
  return {
    type: typeOf(kind),
    inputs: { __provider: provider, ...inputs },
    outputs: { __provider: provider, ...outputs },
  };
}

/** The step creating one of the package's resources, `name` (under the ImageShare `share`). */
export function created(
  kind: Kind,
  name: string,
  inputs: Record<string, unknown>,
  share?: string,
): Step {
  return { op: "create", urn: urnOf(kind, name, share), newState: state(kind, inputs) };
}

function stackStep(op: string): Step {
  const stack = { type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} };
  return { op, urn: stackUrn, oldState: stack, newState: stack };
}

function document(steps: Step[], diagnostics: unknown[]): string {
  const changeSummary: Record<string, number> = {};
  for (const step of steps) changeSummary[step.op] = (changeSummary[step.op] ?? 0) + 1;
  return JSON.stringify({ config: {}, steps, diagnostics, duration: 1234, changeSummary }, null, 2);
}

/** A complete preview document: the stack's step, then these (the program's registrations). */
export function preview(steps: Step[], diagnostics: unknown[] = []): string {
  return document([stackStep("same"), ...steps], diagnostics);
}

/**
 * A `pulumi preview --refresh` document: the refresh steps first (the engine prints a refresh
 * that found a change as `update`, one that found the resource gone as `delete`), then the
 * plan, which starts with the stack's step.
 */
export function refreshPreview(refresh: Step[], plan: Step[]): string {
  return document([stackStep("refresh"), ...refresh, stackStep("same"), ...plan], []);
}

/** An ImageMember as the state records it after `pulumi up`. */
export function memberState(memberId: string, status = "pending", imageId = imageA): State {
  return state(
    "ImageMember",
    { imageId, memberId },
    {
      imageId,
      memberId,
      status,
      createdAt: "2026-11-30T10:00:00Z",
      updatedAt: "2026-11-30T10:00:00Z",
      schema: "/v2/schemas/member",
    },
  );
}

/** The members output of ImageMembers for the given project ids and statuses. */
export function membersOutput(statuses: Record<string, string>): Record<string, unknown>[] {
  return Object.keys(statuses)
    .sort()
    .map((memberId) => ({
      memberId,
      status: statuses[memberId],
      createdAt: "2026-11-30T10:00:00Z",
      updatedAt: "2026-11-30T10:00:00Z",
    }));
}

/** An ImageMembers as the state records it: its inputs, and the members output of `statuses`. */
export function imageMembersState(
  inputs: { imageId: string } & Record<string, unknown>,
  statuses: Record<string, string>,
): State {
  const outputs = { imageId: inputs.imageId, members: membersOutput(statuses) };
  return state("ImageMembers", inputs, outputs);
}

/**
 * A preview updating ImageMembers `was-secret`, whose state recorded its project list as a
 * secret, to the project list `newInputs` gives in the clear.
 */
export function secretListUpdate(newInputs: Record<string, unknown>): string {
  return preview([
    {
      op: "update",
      urn: urnOf("ImageMembers", "was-secret"),
      oldState: state(
        "ImageMembers",
        { imageId: imageA, projects: "[secret]" },
        { imageId: imageA, members: "[secret]" },
      ),
      newState: state("ImageMembers", { imageId: imageA, ...newInputs }),
    },
  ]);
}

/**
 * A preview of `count` ImageMember steps over 50 images: every third one deletes a member that
 * had accepted, the others create one (so 10,000 steps: 6,666 gains, 3,334 losses).
 */
export function manyStepsPreview(count: number): string {
  const steps: Step[] = [];
  for (let index = 0; index < count; index += 1) {
    const imageId = `00000000-0000-4000-8000-${String(index % 50).padStart(12, "0")}`;
    const memberId = `project-${String(index).padStart(5, "0")}-${"x".repeat(20)}`;
    const urn = urnOf("ImageMember", `m-${index}`);
    if (index % 3 === 0) {
      steps.push({ op: "delete", urn, oldState: memberState(memberId, "accepted", imageId) });
    } else {
      steps.push({ op: "create", urn, newState: state("ImageMember", { imageId, memberId }) });
    }
  }
  return preview(steps);
}
