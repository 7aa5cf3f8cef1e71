import { checkProjectId, unknownValue } from "../common/validation";

/** Each id a project id, each listed once; an unknown (not yet applied) list passes. */
export function checkMemberIds(value: unknown): ReturnType<typeof checkProjectId>[] {
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
  const results = value.map((id, i) => checkProjectId(id, `memberIds[${i}]`));
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
