import { UnexpectedMemberAnswer } from "../../glance";
import { ApiError, TransportError } from "../../transport/errors";

/**
 * `IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up`: for one run, adopt every membership that
 * exists already instead of failing with 409. The recovery after an interrupted update
 * (SIGKILL, a CI job cancelled), whose creates may have landed without the engine knowing.
 */
export function adoptExistingForThisRun(): boolean {
  return /^(1|true|yes)$/i.test(process.env.IMAGE_MEMBERS_ADOPT_EXISTING ?? "");
}

/**
 * A create that failed after an attempt that may have reached Glance (its answer was lost),
 * or that Glance served with a success whose body cannot be used (the member exists).
 */
export function mayHaveBeenCreated(error: unknown): boolean {
  return (
    error instanceof UnexpectedMemberAnswer ||
    ((error instanceof ApiError || error instanceof TransportError) && error.afterLostResponse)
  );
}

/**
 * Status in state of a member whose POST may have reached Glance although no answer said so
 * (the next update or refresh settles it). One word for every resource that keeps such members.
 */
export const unsettledStatus: UnsettledStatus = "unknown";

/** The type of `unsettledStatus`. */
export type UnsettledStatus = "unknown";
