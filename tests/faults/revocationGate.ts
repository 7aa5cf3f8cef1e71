/**
 * The gate of the revocation race (tests/faults/revocationRace.test.ts): a rule of the Glance
 * fault proxy that holds the owner's `DELETE` of a member and the member project's status `PUT`
 * of the same member until both have arrived, then forwards both at once, so that they meet in
 * Glance as they would when two pipelines run at the same moment. Each member is gated once
 * per round: what comes after the pair (a confirming read, a second DELETE) passes freely.
 */
import { FaultRule, RequestInfo } from "../support/faultProxy";
import { memberPath } from "../support/faultStack";

/** A member's path (`/v2/images/<image>/members/<member>`) and what happened at the gate. */
export interface GatedPair {
  path: string;
  /** Both arrived and were forwarded together. */
  released: boolean;
  /** Only one arrived before the timeout; it was forwarded alone. */
  alone?: "DELETE" | "PUT";
}

export class RevocationGate {
  /** Per member path, the first of the pair waiting for the other. */
  private readonly waiting = new Map<
    string,
    { method: string; release: () => void; timer: NodeJS.Timeout }
  >();
  private readonly done = new Set<string>();
  readonly pairs: GatedPair[] = [];
  armed = false;

  /** @param timeoutMs how long the first of a pair waits for the other before going alone. */
  constructor(private readonly timeoutMs = 60_000) {}

  /** A new round: every member is gated again. */
  arm(): void {
    this.done.clear();
    this.pairs.length = 0;
    this.armed = true;
  }

  /** Lets every held request go (the end of a round, or a failed test). */
  disarm(): void {
    this.armed = false;
    for (const [path, held] of this.waiting) {
      clearTimeout(held.timer);
      held.release();
      this.pairs.push({ path, released: false, alone: held.method as "DELETE" | "PUT" });
    }
    this.waiting.clear();
  }

  readonly rule: FaultRule = (request: RequestInfo) => {
    const gated = request.method === "DELETE" || request.method === "PUT";
    if (!this.armed || !gated || !memberPath.test(request.path) || this.done.has(request.path)) {
      return undefined;
    }
    const held = this.waiting.get(request.path);
    if (held && held.method !== request.method) {
      // The pair is complete: release the first, forward this one, in the same tick.
      this.waiting.delete(request.path);
      this.done.add(request.path);
      clearTimeout(held.timer);
      this.pairs.push({ path: request.path, released: true });
      held.release();
      return { kind: "forward" };
    }
    if (held) {
      return undefined; // a retry of the one already waiting: not part of the pair
    }
    return new Promise((resolve) => {
      const release = () => resolve({ kind: "forward" });
      const timer = setTimeout(() => {
        this.waiting.delete(request.path);
        this.done.add(request.path);
        this.pairs.push({
          path: request.path,
          released: false,
          alone: request.method as "DELETE" | "PUT",
        });
        release();
      }, this.timeoutMs);
      this.waiting.set(request.path, { method: request.method, release, timer });
    });
  };
}
