/**
 * Which of the two forms of an `ImageMembers`' project list is in force: the `projects` map
 * (label to project id) or the older `memberIds` list. One decision, read by `check` (which
 * refuses what is ambiguous), by the hooks that share the image, and by the access review
 * (provider/review/), so that the review reads exactly the list the provider acts on. Plain
 * data only: the review imports this and nothing from `@pulumi/pulumi`.
 */

/** The form in force, with its value as given (not checked here). */
export type ProjectsInForce =
  | { form: "projects"; value: unknown }
  | { form: "memberIds"; value: unknown }
  /** Nothing the provider may act on: `check` refuses it with `reason`. */
  | { form: "refused"; property: "projects" | "memberIds"; reason: string }
  | { form: "none" };

/**
 * A property counts as given when present, whatever its value: `null` too. `projects: null`
 * beside a `memberIds` list is refused, not read as "no map": an older version read it so,
 * and the review, reading `projects` whenever present, saw no project at all while the
 * provider shared with every one in the list.
 */
export function projectsInForce(inputs: {
  projects?: unknown;
  memberIds?: unknown;
}): ProjectsInForce {
  const { projects, memberIds } = inputs;
  if (projects !== undefined && memberIds !== undefined) {
    return {
      form: "refused",
      property: "projects",
      reason:
        "give either projects (a map from a label to a project id) or memberIds (a list of " +
        `project ids), not both; got projects (${kindOf(projects)}) and memberIds (${kindOf(memberIds)}). ` +
        "Leave the other one out of the arguments rather than setting it to null",
    };
  }
  for (const [property, value] of [
    ["projects", projects],
    ["memberIds", memberIds],
  ] as const) {
    if (value === null) {
      return {
        form: "refused",
        property,
        reason:
          `${property} is null: give projects (a map from a label to a project id, like ` +
          `{ ops: "<project id>" }) or memberIds (a list of project ids), and leave the other out`,
      };
    }
  }
  if (projects !== undefined) return { form: "projects", value: projects };
  if (memberIds !== undefined) return { form: "memberIds", value: memberIds };
  return { form: "none" };
}

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
}
