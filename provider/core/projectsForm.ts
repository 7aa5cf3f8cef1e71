/**
 * Which of the two forms of an `ImageMembers`' project list is in force: the `projects` map
 * (label to project id) or the older `memberIds` list. One decision, read by `check` (which
 * refuses what is ambiguous), by the hooks that share the image, and by the access review
 * (provider/review/), so that the review reads exactly the list the provider acts on. Plain
 * data only: the review imports this and nothing from `@pulumi/pulumi`.
 */
import { unknownValue } from "./validation";

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

/** One project an `ImageMembers`' inputs declare, as given (nothing here is checked). */
export interface DeclaredProject {
  /** The input it came from, as `check` names it: `projects.<label>` or `memberIds[<index>]`. */
  readonly property: string;
  /** Its key in `projects`; a `memberIds` entry has none (its id labels it). */
  readonly label?: string;
  /** The project id as given: a string once known, else a value the caller cannot read yet. */
  readonly memberId: unknown;
}

/** Why a whole project list cannot be read: it is known only after apply, or it is secret. */
export type ListOpacity = "unknown" | "secret";

/**
 * An `ImageMembers`' project list, derived once from its inputs for everyone who reads it:
 * `check`, `diff`, the hooks, the allowed-projects rule, the program and the access review.
 *
 * - `refused` / `none`: as `projectsInForce` decides;
 * - `opaque`: the list in force cannot be read as a whole (`why`);
 * - `malformed`: neither the map nor the list its form wants (`check` refuses it);
 * - `listed`: each project with its label and the property it came from.
 */
export type DeclaredProjects =
  | Extract<ProjectsInForce, { form: "refused" } | { form: "none" }>
  | { form: "projects" | "memberIds"; opaque: ListOpacity }
  | { form: "projects" | "memberIds"; malformed: unknown }
  | { form: "projects" | "memberIds"; listed: readonly DeclaredProject[] };

/** How a reader of the inputs sees them (`declaredProjects`). */
export interface ReadingOf {
  /**
   * When a whole list cannot be read. By default: when it is not known yet, all a provider's
   * hook can meet; the review's preview JSON and the audit's stack export also hide secrets.
   */
  opacityOf?: (value: unknown) => ListOpacity | undefined;
  /**
   * A reader that only reports (the review, the audit) also reads a list given as `projects`
   * and a map given as `memberIds`, which `check` refuses: it errs on the side of showing a
   * grant. The provider's hooks do not (`malformed`: nothing is shared).
   */
  anyShape?: boolean;
}

/** The project list of `inputs`, as `reading` sees it. */
export function declaredProjects(
  inputs: { projects?: unknown; memberIds?: unknown },
  reading: ReadingOf = {},
): DeclaredProjects {
  const inForce = projectsInForce(inputs);
  if (inForce.form === "refused" || inForce.form === "none") return inForce;
  const { form, value } = inForce;
  const opaque = (reading.opacityOf ?? notKnownYet)(value);
  if (opaque !== undefined) return { form, opaque };
  const asList = form === "memberIds" || reading.anyShape === true;
  const asMap = form === "projects" || reading.anyShape === true;
  if (asList && Array.isArray(value)) {
    return {
      form,
      listed: value.map((memberId, index) => ({ property: `memberIds[${index}]`, memberId })),
    };
  }
  if (asMap && typeof value === "object" && value !== null && !Array.isArray(value)) {
    return {
      form,
      listed: Object.entries(value).map(([label, memberId]) => ({
        property: `projects.${label}`,
        label,
        memberId,
      })),
    };
  }
  return { form, malformed: value };
}

function notKnownYet(value: unknown): ListOpacity | undefined {
  return value === unknownValue ? "unknown" : undefined;
}

/** The projects listed, or none when the list cannot be read or is refused. */
export function listedProjects(declared: DeclaredProjects): readonly DeclaredProject[] {
  return "listed" in declared ? declared.listed : [];
}
