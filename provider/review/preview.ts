/**
 * Reading the output of `pulumi preview --json` (`{config, steps[], diagnostics[], duration,
 * changeSummary}`) into the few fields the report needs, refusing anything else with a message
 * a person can act on.
 */
import { isObject, JsonObject } from "./values";

/** Input the review cannot read: the command prints the message and exits 2. */
export class ReviewInputError extends Error {
  override readonly name = "ReviewInputError";
}

/** One side of a step: a resource's type, inputs and outputs. */
export interface ResourceState {
  type?: string;
  inputs: JsonObject;
  outputs: JsonObject;
}

/** One step of the preview. */
export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: ResourceState;
  newState?: ResourceState;
}

/** What the review reads from a preview. */
export interface Preview {
  steps: PreviewStep[];
  /** Diagnostics of severity `error`: the preview failed and may be incomplete. */
  errorCount: number;
  /**
   * Unchanged resources as the preview's `changeSummary` counts them: its steps list leaves
   * `same` steps out unless the preview ran with `--show-sames`.
   */
  unchangedCount?: number;
}

const expected = "Expected the output of `pulumi preview --json`.";

/** Parses and checks the preview text; throws ReviewInputError for anything else. */
export function parsePreview(text: string): Preview {
  if (text.trim() === "") {
    throw new ReviewInputError(`The input is empty. ${expected}`);
  }
  const document = parseJson(text);
  if (!isObject(document)) {
    throw new ReviewInputError(`The input is JSON but not an object. ${expected}`);
  }
  if (isObject(document.deployment) && "version" in document) {
    throw new ReviewInputError(
      `The input is a stack export (\`pulumi stack export\`), not a preview. ${expected}`,
    );
  }
  // The engine leaves "steps" out when there are none; the summary fields are always there.
  const emptyPreview =
    document.steps === undefined && ("changeSummary" in document || "duration" in document);
  if (emptyPreview) return { steps: [], errorCount: countErrors(document.diagnostics) };
  if (!Array.isArray(document.steps)) {
    throw new ReviewInputError(
      `The input is JSON but not a Pulumi preview: it has no "steps" list. ${expected}`,
    );
  }
  const steps = document.steps.map((step, index) => readStep(step, index));
  const summary = isObject(document.changeSummary) ? document.changeSummary : {};
  return {
    steps,
    errorCount: countErrors(document.diagnostics),
    unchangedCount: typeof summary.same === "number" ? summary.same : undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's own message quotes the input, which may hold anything: give a position only.
    const position = /position (\d+)/.exec((error as Error).message);
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : "";
    throw new ReviewInputError(`The input is not valid JSON${where}. ${expected}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

function readStep(step: unknown, index: number): PreviewStep {
  if (!isObject(step) || typeof step.op !== "string" || typeof step.urn !== "string") {
    throw new ReviewInputError(
      `Step ${index + 1} of the input has no "op" and "urn": not a Pulumi preview step. ${expected}`,
    );
  }
  return {
    op: step.op,
    urn: step.urn,
    oldState: readState(step.oldState),
    newState: readState(step.newState),
  };
}

function readState(state: unknown): ResourceState | undefined {
  if (!isObject(state)) return undefined;
  return {
    type: typeof state.type === "string" ? state.type : undefined,
    inputs: isObject(state.inputs) ? state.inputs : {},
    outputs: isObject(state.outputs) ? state.outputs : {},
  };
}

function countErrors(diagnostics: unknown): number {
  if (!Array.isArray(diagnostics)) return 0;
  return diagnostics.filter((d) => isObject(d) && d.severity === "error").length;
}
