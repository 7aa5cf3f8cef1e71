/**
 * The `--allowed-projects` gate: every project the change grants access to must be listed.
 * A project the preview cannot show (known only after apply, or secret) cannot be checked, so
 * it counts as an offender too.
 */
import type { AccessChange } from "./changes";
import type { Opacity, ProjectView, ResourceRef } from "./resources";
import { describeShown, Shown } from "./values";

/** A project granted access that the allow-list does not clear. */
export interface Offender {
  project: ProjectView;
  image: Shown;
  source: ResourceRef;
  /** Set when the grant is a whole project list the provider refuses (see Opacity). */
  refusedList?: true;
}

/** The grants (new access, or the new side of a swap) of projects not on the list. */
export function findOffenders(changes: AccessChange[], allowed: Set<string>): Offender[] {
  const offenders: Offender[] = [];
  for (const change of changes) {
    const granted =
      change.type === "gain"
        ? change.project
        : change.type === "swap"
          ? change.to
          : change.type === "opaque"
            ? { id: opaqueProject(change.what) }
            : undefined;
    if (!granted) continue;
    const id = granted.id;
    if (id.kind === "known" && allowed.has(id.value)) continue;
    const refused = change.type === "opaque" && change.what === "refused";
    offenders.push({
      project: granted,
      image: change.image,
      source: change.source,
      ...(refused ? { refusedList: true as const } : {}),
    });
  }
  return offenders;
}

/** An offender in one line: the project, its name, the image and the resource granting it. */
export function describeOffender(offender: Offender): string {
  const { project } = offender;
  const name =
    project.name === undefined ? "" : ` (${describeShown({ kind: "known", value: project.name })})`;
  const who = offender.refusedList
    ? "a project list the provider refuses (projects and memberIds both given, or one of them null), which cannot be checked,"
    : project.id.kind === "unknown"
      ? `a project known only after apply${name}, which cannot be checked,`
      : project.id.kind === "secret"
        ? `a \`[secret]\` project${name}, which cannot be checked,`
        : `${describeShown(project.id)}${name}`;
  return `${who} on image ${describeShown(offender.image)} (${describeResource(offender.source)})`;
}

/** A resource as the report names it: its type and the name the program gave it. */
export function describeResource(ref: ResourceRef): string {
  const name = describeShown({ kind: "known", value: ref.name });
  return ref.shareName === undefined
    ? `${ref.kind} ${name}`
    : `${ref.kind} ${name} of ImageShare ${describeShown({ kind: "known", value: ref.shareName })}`;
}

function opaqueProject(what: Opacity): Shown {
  return what === "secret"
    ? { kind: "secret" }
    : what === "unknown"
      ? { kind: "unknown" }
      : { kind: "absent" };
}
