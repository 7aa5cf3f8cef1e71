/**
 * `pulumi-image-members review`: from the text of `pulumi preview --json` to the Markdown
 * report, the allow-list verdict and the exit code. No I/O here, and nothing from
 * `@pulumi/pulumi`: the command starts fast and needs no engine.
 */
import { describeOffender, findOffenders, parseAllowList } from "./allowList";
import { reviewPreview } from "./changes";
import { parsePreview, ReviewInputError } from "./preview";
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

/** Reviews the text of a preview; never throws for bad input (exit code 2 and a message). */
export function reviewText(previewText: string, options: ReviewTextOptions = {}): ReviewOutcome {
  try {
    const preview = parsePreview(previewText);
    const review = reviewPreview(preview);
    if (review.ownResources === 0) {
      const failed =
        preview.errorCount > 0 ? ` The preview itself failed (${preview.errorCount} errors).` : "";
      const what =
        preview.steps.length === 0
          ? "has no steps at all"
          : "has none of this package's resources (ImageMember, ImageMembers, ImageMemberAcceptance)";
      throw new ReviewInputError(
        `The preview ${what}: nothing to review.${failed} ` +
          "Is it the preview of the right program and stack?",
      );
    }
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
