import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import type { DeclaredProjects } from "../../core/projectsForm";
import { checkProjectId, invisibleCharacter, unknownValue } from "../../core/validation";

/** Labels are names for a reviewer, kept short enough to read in a diff. */
const maxLabelLength = 128;

/**
 * Either `projects` (label to project id) or the older `memberIds` list, not both, and neither
 * null (../../core/projectsForm.ts decides); each project listed once. Values not known yet
 * (during a preview) pass and are checked once known.
 */
export function checkProjects(declared: DeclaredProjects): CheckFailure[] {
  if (declared.form === "refused") {
    return [{ property: declared.property, reason: declared.reason }];
  }
  if (declared.form === "none") {
    return [missing()];
  }
  if ("opaque" in declared) {
    return []; // known once applied
  }
  if (declared.form === "memberIds") {
    return checkMemberIds(
      "listed" in declared ? declared.listed.map((p) => p.memberId) : declared.malformed,
    );
  }
  if ("malformed" in declared) {
    return [missing(declared.malformed)];
  }
  const results: CheckFailure[] = [];
  const labelOf = new Map<unknown, string>();
  for (const { label = "", memberId: id } of declared.listed) {
    const labelProblem = checkLabel(label);
    if (labelProblem) results.push(labelProblem);
    const idProblem = checkProjectId(id, `projects.${label}`);
    if (idProblem) results.push(idProblem);
    if (id === unknownValue) continue;
    const other = labelOf.get(id);
    if (other !== undefined) {
      results.push({
        property: `projects.${label}`,
        reason: `projects gives project ${JSON.stringify(id)} twice (as ${JSON.stringify(other)} and ${JSON.stringify(label)}); give each project once`,
      });
    }
    labelOf.set(id, label);
  }
  return results;
}

function missing(value?: unknown): CheckFailure {
  const got =
    value === undefined ? "nothing" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
  return {
    property: "projects",
    reason: `projects must map a label to each project to share with, like { ops: "<project id>" }; got ${got}`,
  };
}

function checkLabel(label: string): CheckFailure | undefined {
  const invisible = invisibleCharacter(label);
  if (invisible) {
    return {
      property: "projects",
      reason: `projects has a label containing the invisible formatting character ${invisible}; type the label again without it`,
    };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (label.trim() === "" || label.length > maxLabelLength || /[\u0000-\u001f\u007f]/.test(label)) {
    return {
      property: "projects",
      reason: `projects has the label ${JSON.stringify(label.slice(0, 60))}: a label must be 1 to ${maxLabelLength} printable characters`,
    };
  }
  return undefined;
}

/** Each id a project id, each listed once; an unknown (not yet applied) list passes. */
export function checkMemberIds(value: unknown): CheckFailure[] {
  if (value === unknownValue) {
    return [];
  }
  if (!Array.isArray(value)) {
    return [
      {
        property: "memberIds",
        reason: `memberIds must be a list of project ids; got ${value === undefined ? "nothing" : `a ${typeof value}`}`,
      },
    ];
  }
  const results = value
    .map((id, i) => checkProjectId(id, `memberIds[${i}]`))
    .filter((f): f is CheckFailure => f !== undefined);
  const seen = new Set<unknown>();
  value.forEach((id, i) => {
    if (id === unknownValue) return;
    if (seen.has(id)) {
      results.push({
        property: `memberIds[${i}]`,
        reason: `memberIds lists project ${JSON.stringify(id)} more than once; list each project once`,
      });
    }
    seen.add(id);
  });
  return results;
}
