/**
 * `pulumi-image-members audit`: every grant of the owner project's shared images, marked
 * declared or not by the stacks given, as Markdown, a JSON summary and an exit code.
 */
import type { Audit, AuditedGrant } from "./classify";
import { defaultMaxChars, renderAudit } from "./render";
import type { Declarer } from "./stackExport";

export { classify } from "./classify";
export type { Audit, AuditedGrant, GrantState } from "./classify";
export { readInventory } from "./inventory";
export type { Inventory, InventoryOptions } from "./inventory";
export { renderAudit } from "./render";
export { AuditInputError, emptyDeclarations, readStackExport } from "./stackExport";
export type { Declarations, Declarer } from "./stackExport";

/**
 * Exit codes of the command: 0 every grant is declared by a stack given (and none pending past
 * `--pending-days`), 1 the cloud could not be read, 2 usage or an export it cannot read,
 * 4 a grant no stack declares (or one that cannot be told), 5 none of those but a member still
 * pending past `--pending-days`.
 */
export const auditExitCodes = {
  ok: 0,
  cloudFailure: 1,
  badInput: 2,
  undeclared: 4,
  neverAccepted: 5,
} as const;

/** What `--json FILE` writes. */
export interface AuditSummary {
  project: string;
  stacks: { name: string; origin: string }[];
  images: number;
  counts: { grants: number; unmanaged: number; undetermined: number; managed: number };
  /** The `--pending-days` threshold and how many members are pending past it. */
  pending?: { days: number; neverAccepted: number };
  /** Every grant, unmanaged first. */
  grants: {
    image: string;
    imageName?: string;
    project: string;
    status: string;
    createdAt: string;
    state: AuditedGrant["state"];
    declaredBy: string[];
    pendingForDays?: number;
    looksLikeProjectId: boolean;
  }[];
}

function declarerText(by: Declarer): string {
  return `${by.stack}: ${by.kind} ${by.name}`;
}

export function summarizeAudit(audit: Audit): AuditSummary {
  const count = (state: AuditedGrant["state"]) =>
    audit.grants.filter((grant) => grant.state === state).length;
  return {
    project: audit.project,
    stacks: audit.stacks.map(({ name, origin }) => ({ name, origin })),
    images: audit.images,
    counts: {
      grants: audit.grants.length,
      unmanaged: count("unmanaged"),
      undetermined: count("undetermined"),
      managed: count("managed"),
    },
    ...(audit.pendingDays === undefined
      ? {}
      : {
          pending: {
            days: audit.pendingDays,
            neverAccepted: audit.grants.filter((g) => g.pendingForDays !== undefined).length,
          },
        }),
    grants: audit.grants.map((grant) => ({
      image: grant.imageId,
      ...(grant.imageName ? { imageName: grant.imageName } : {}),
      project: grant.memberId,
      status: grant.status,
      createdAt: grant.createdAt,
      state: grant.state,
      declaredBy: [...new Set(grant.declaredBy.map(declarerText))],
      ...(grant.pendingForDays === undefined ? {} : { pendingForDays: grant.pendingForDays }),
      looksLikeProjectId: grant.looksLikeProjectId,
    })),
  };
}

/** What the command prints and how it exits. */
export interface AuditOutcome {
  report: string;
  summary: AuditSummary;
  /** Lines for standard error: each finding, so a log shows them without the report. */
  messages: string[];
  exitCode: number;
}

export function auditOutcome(audit: Audit, maxChars = defaultMaxChars): AuditOutcome {
  const summary = summarizeAudit(audit);
  const undeclared = audit.grants.filter((grant) => grant.state !== "managed");
  const stale = audit.grants.filter((grant) => grant.pendingForDays !== undefined);
  const messages: string[] = [];
  if (undeclared.length > 0) {
    messages.push(`audit: ${undeclared.length} grant(s) no stack given declares:`);
    for (const grant of undeclared) {
      const why = grant.state === "undetermined" ? " (cannot tell: a stack's list is secret)" : "";
      messages.push(`  image ${grant.imageId} → project ${grant.memberId} (${grant.status})${why}`);
    }
  }
  if (stale.length > 0) {
    messages.push(
      `audit: ${stale.length} member(s) pending for more than ${audit.pendingDays} day(s), never accepted: check the id:`,
    );
    for (const grant of stale) {
      messages.push(
        `  image ${grant.imageId} → project ${grant.memberId} since ${grant.createdAt}`,
      );
    }
  }
  const exitCode =
    undeclared.length > 0
      ? auditExitCodes.undeclared
      : stale.length > 0
        ? auditExitCodes.neverAccepted
        : auditExitCodes.ok;
  return { report: renderAudit(audit, maxChars), summary, messages, exitCode };
}
