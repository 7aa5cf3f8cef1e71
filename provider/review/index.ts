/**
 * `pulumi-image-members review`: from the text of `pulumi preview --json` to the Markdown
 * report, the allow-list verdict and the exit code. No I/O here, and nothing from
 * `@pulumi/pulumi`: the command starts fast and needs no engine.
 */
import { parseAllowList } from "../core/allowedProjects";
import { describeOffender, findOffenders } from "./offenders";
import { Review, reviewPreview } from "./changes";
import { parsePreview, Preview, ReviewInputError } from "./preview";
import { stackType } from "./steps";
import { parseUrn } from "./urn";
import { renderReport } from "./render";
import { ReviewSummary, summarize } from "./summary";

export { ReviewInputError } from "./preview";
export { defaultMaxChars } from "./render";
export type { ReviewSummary } from "./summary";

/** Exit codes of the command. */
export const exitCodes = { ok: 0, badInput: 2, notAllowed: 3 } as const;

/** What the command prints and how it exits. */
export interface ReviewOutcome {
  /** The Markdown report for standard output (empty when the input could not be read). */
  report: string;
  /** Lines for standard error. */
  messages: string[];
  exitCode: number;
  /** The counts and offenders for automation (`--json`); absent when the input was unreadable. */
  summary?: ReviewSummary;
}

/** Options of `reviewText`. */
export interface ReviewTextOptions {
  /** The text of the `--allowed-projects` file, when one was given. */
  allowList?: string;
  /** That file's name as the report states it ("which list it checked"). */
  allowListName?: string;
  maxChars?: number;
}

/**
 * Why a preview with none of this package's resources is not one to review, or undefined when
 * it is: a quiet pull request (a README, another resource of the stack) of the right stack.
 *
 * How "another program" is told from a quiet pull request of the right one: this engine's
 * `pulumi preview --json` lists unchanged resources only with `--show-sames`, but always
 * counts them (`changeSummary.same`). When it left some out, this package's resources may be
 * among them, unchanged: no access changes, exit 0. When it left none out (the job passes
 * `--show-sames`, or every resource changes), the preview shows the whole stack, so a stack
 * without one of this package's resources is another program's: exit 2. The stack URN's
 * project name cannot decide it, since the command is not told which project to expect.
 * A preview without a stack step at all is no program's preview.
 */
function notAPreviewToReview(preview: Preview, review: Review): string | undefined {
  if (review.ownResources > 0) return undefined;
  const failed =
    preview.errorCount > 0 ? ` The preview itself failed (${preview.errorCount} errors).` : "";
  const question = " Is it the preview of the right program and stack?";
  if (preview.steps.length === 0) {
    return `The preview has no steps at all: nothing to review.${failed}${question}`;
  }
  if (!preview.steps.some((step) => parseUrn(step.urn)?.type === stackType)) {
    return (
      `The preview has no step for a stack (${stackType}) and none of this package's resources: ` +
      `it is not the preview of a Pulumi program.${failed}${question}`
    );
  }
  if (review.unlistedUnchanged === 0) {
    return (
      "The preview lists every resource of its stack (none left out as unchanged) and none is " +
      `one of this package's (${packageKinds}): nothing to review.${failed}${question}`
    );
  }
  return undefined;
}

const packageKinds = "ImageMember, ImageMembers, ImageMemberAcceptance";

/** Reviews the text of a preview; never throws for bad input (exit code 2 and a message). */
export function reviewText(previewText: string, options: ReviewTextOptions = {}): ReviewOutcome {
  try {
    const preview = parsePreview(previewText);
    const review = reviewPreview(preview);
    const refused = notAPreviewToReview(preview, review);
    if (refused) throw new ReviewInputError(refused);
    const offenders =
      options.allowList === undefined
        ? undefined
        : findOffenders(review.changes, parseAllowList(options.allowList));
    const report = renderReport(review, {
      offenders,
      allowListName: options.allowListName,
      maxChars: options.maxChars,
    });
    const summary = summarize(review, offenders, options.allowListName);
    if (offenders && offenders.length > 0) {
      return {
        report,
        summary,
        messages: [
          `review: ${offenders.length} grant(s) to projects not on the allowed list:`,
          ...offenders.map((offender) => `  ${describeOffender(offender)}`),
        ],
        exitCode: exitCodes.notAllowed,
      };
    }
    return { report, summary, messages: [], exitCode: exitCodes.ok };
  } catch (error) {
    if (error instanceof ReviewInputError) {
      return { report: "", messages: [`review: ${error.message}`], exitCode: exitCodes.badInput };
    }
    throw error;
  }
}
