/**
 * The review as a small JSON document for automation (`review --json FILE`): the counts the
 * report's summary line gives, and the offenders of the allow-list gate, so a workflow can
 * label a pull request or route it without reading Markdown.
 */
import type { Offender } from "./offenders";
import { describeResource } from "./offenders";
import type { AccessChange, Review } from "./changes";
import { knownKey, Shown } from "./values";

/** What `--json FILE` writes. */
export interface ReviewSummary {
  /** Projects that gain access (new grants, not counting the new side of a swap). */
  gains: number;
  /** Projects that lose access (not counting the old side of a swap). */
  losses: number;
  /** One project replaced by another in the same place. */
  swaps: number;
  /** Changes of a member project's acceptance status. */
  acceptanceChanges: number;
  /** Changes the refresh found made outside Pulumi. */
  driftChanges: number;
  /** Resources whose project list is secret or known only after apply. */
  opaque: number;
  /** Images with at least one change. */
  images: number;
  /** Errors the preview itself reported. */
  previewErrors: number;
  /** The allow-list gate: absent when no list was given. */
  allowedProjects?: {
    /** The file checked, as given. */
    list: string | undefined;
    passed: boolean;
    offenders: { project: string; image: string; resource: string }[];
  };
}

function count(review: Review, type: AccessChange["type"]): number {
  return review.changes.filter((change) => change.type === type).length;
}

/**
 * A value as plain text for the JSON summary: the id, or a stable token for what stands in its
 * place (`[secret]`, `(unknown)` until apply, `(absent)`).
 */
function text(shown: Shown): string {
  return knownKey(shown) ?? (shown.kind === "secret" ? "[secret]" : `(${shown.kind})`);
}

/** The summary of a review and, when a list was checked, of its gate. */
export function summarize(
  review: Review,
  offenders: Offender[] | undefined,
  listName: string | undefined,
): ReviewSummary {
  const images = new Set(review.changes.map((change) => JSON.stringify(change.image)));
  return {
    gains: count(review, "gain"),
    losses: count(review, "loss"),
    swaps: count(review, "swap"),
    acceptanceChanges: count(review, "acceptance"),
    driftChanges: count(review, "drift"),
    opaque: count(review, "opaque"),
    images: images.size,
    previewErrors: review.previewErrors,
    ...(offenders === undefined
      ? {}
      : {
          allowedProjects: {
            list: listName,
            passed: offenders.length === 0,
            offenders: offenders.map((offender) => ({
              project: text(offender.project.id),
              image: text(offender.image),
              resource: describeResource(offender.source).replace(/`/g, ""),
            })),
          },
        }),
  };
}
