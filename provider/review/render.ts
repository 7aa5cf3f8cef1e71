/**
 * The Markdown report: a summary that is always printed whole, then the detail per image,
 * cut (and the cut said) so the whole stays under the size budget of a pull-request comment.
 */
import { describeOffender, describeResource, Offender } from "./offenders";
import type { AccessChange, Review } from "./changes";
import type { Opacity, ProjectView } from "./resources";
import { describeShown, describeStatus, knownKey, Shown } from "./values";
import { projectIdShapeMistake } from "../core/projectIdShape";

/** GitHub refuses comments over 65,536 characters; stay well under. */
export const defaultMaxChars = 60_000;

/** Offenders named in the report itself; all of them go to standard error. */
const offendersNamedInReport = 20;

/** Grants to ids not shaped like project ids named in the summary (the rest are counted). */
export const misshapenNamedInReport = 5;

/** Options of `renderReport`. */
export interface RenderOptions {
  /** The allow-list gate's result; undefined when no allow-list was given. */
  offenders?: Offender[];
  /** Which list the gate checked (its file name), said in the report. */
  allowListName?: string;
  maxChars?: number;
}

type ChangeType = AccessChange["type"];

const sectionTitles: [ChangeType, string][] = [
  ["loss", "Lose access"],
  ["swap", "Swapped (one project replaced by another)"],
  ["gain", "Gain access"],
  ["acceptance", "Acceptance status (the member project's side)"],
  ["drift", "Changed outside Pulumi (found by the refresh)"],
  ["opaque", "Cannot be listed"],
];

/** Renders the review as Markdown no longer than `maxChars` characters. */
export function renderReport(review: Review, options: RenderOptions = {}): string {
  const maxChars = options.maxChars ?? defaultMaxChars;
  const summary = renderSummary(review, options.offenders, options.allowListName);
  const images = groupByImage(review.changes);
  const detail: string[] = [];
  let used = summary.length;
  const cutNoteRoom = 400;
  let shown = 0;
  let shownImages = 0;
  outer: for (const [image, changes] of images) {
    const block = renderImage(image, changes);
    for (const [index, line] of block.entries()) {
      if (used + line.length + 1 + cutNoteRoom > maxChars) break outer;
      detail.push(line);
      used += line.length + 1;
      if (line.startsWith("- ")) shown += 1;
      if (index === 0) shownImages += 1;
    }
  }
  const total = review.changes.length;
  if (shown < total) {
    detail.push("", cutNote(review.changes.length - shown, images.size - shownImages, maxChars));
  }
  // Sections each end with a blank line and start with one: keep one between them.
  return ([summary, ...detail].join("\n") + "\n").replace(/\n{3,}/g, "\n\n");
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

function countOf(review: Review, type: ChangeType): number {
  return review.changes.filter((change) => change.type === type).length;
}

function renderSummary(
  review: Review,
  offenders: Offender[] | undefined,
  listName: string | undefined,
): string {
  const images = new Set(review.changes.map((change) => imageKey(change.image))).size;
  const counts = [
    plural(countOf(review, "gain"), "project gains access", "projects gain access"),
    plural(countOf(review, "loss"), "loses access", "lose access"),
    plural(countOf(review, "swap"), "swap", "swaps"),
    plural(countOf(review, "acceptance"), "acceptance change", "acceptance changes"),
    plural(countOf(review, "drift"), "change outside Pulumi", "changes outside Pulumi"),
  ];
  const lines = ["## Image access review", ""];
  lines.push(
    review.changes.length === 0
      ? "**No access changes.**"
      : `**${counts.join(" · ")}** on ${plural(images, "image", "images")}.`,
  );
  if (review.ownResources === 0) {
    lines.push(
      "",
      "None of this package's resources is in the preview, which leaves out " +
        `${plural(review.unlistedUnchanged, "unchanged resource", "unchanged resources")} ` +
        "(`pulumi preview --show-sames` lists them); no step it lists changes image access.",
    );
  }
  lines.push("", ...attentionLines(review), `Everything else: ${otherSummary(review)}.`);
  lines.push(...shapeLines(review));
  if (offenders) lines.push("", ...gateLines(offenders, listName));
  lines.push("");
  return lines.join("\n");
}

function attentionLines(review: Review): string[] {
  const lines: string[] = [];
  const acceptedLosses = review.changes.filter(
    (change) =>
      (change.type === "loss" && knownKey(change.status) === "accepted") ||
      (change.type === "swap" && knownKey(change.fromStatus) === "accepted"),
  ).length;
  if (acceptedLosses > 0) {
    const who = plural(acceptedLosses, "project that had accepted", "projects that had accepted");
    const verb = acceptedLosses === 1 ? "loses" : "lose";
    lines.push(
      `- **Attention: ${who} the image ${verb} access: they can no longer launch from it.**`,
    );
  }
  const drift = countOf(review, "drift");
  if (drift > 0) {
    lines.push(
      `- **Attention: the refresh found ${plural(drift, "change", "changes")} made outside Pulumi.**`,
    );
  }
  const opaque = countOf(review, "opaque");
  if (opaque > 0) {
    lines.push(
      `- **Attention: ${plural(opaque, "resource's", "resources'")} project list is secret, known only after apply, or refused by the provider: not listed here.**`,
    );
  }
  if (review.previewErrors > 0) {
    lines.push(
      `- **Attention: the preview reported ${plural(review.previewErrors, "error", "errors")}: this report may be incomplete (see the preview's own output).**`,
    );
  }
  return lines.length > 0 ? [...lines, ""] : lines;
}

function otherSummary(review: Review): string {
  const ops = [...review.otherOps]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, count]) => `${count.toLocaleString("en-US")} ${op}`);
  const unchanged = `${review.unchanged.toLocaleString("en-US")} unchanged`;
  return ops.length === 0
    ? `no other changes; ${unchanged}`
    : `${ops.join(", ")} (steps that change no image access); ${unchanged}`;
}

function gateLines(offenders: Offender[], listName: string | undefined): string[] {
  const list = listName === undefined ? "the list" : `the list (\`${listName}\`)`;
  if (offenders.length === 0) {
    return [`**Allowed projects: passed.** Every project granted access is on ${list}.`];
  }
  const lines = [
    `**Allowed projects: failed.** ${plural(offenders.length, "grant goes", "grants go")} to a project not on ${list}:`,
    "",
    ...offenders.slice(0, offendersNamedInReport).map((o) => `- ${describeOffender(o)}`),
  ];
  const more = offenders.length - offendersNamedInReport;
  if (more > 0) lines.push(`- … and ${plural(more, "more", "more")} (all named on standard error)`);
  return lines;
}

function imageKey(image: Shown): string {
  return image.kind === "known" ? `known:${image.value}` : image.kind;
}

/** Changes by image: images where someone loses access first, then by image id. */
function groupByImage(changes: AccessChange[]): Map<Shown, AccessChange[]> {
  const byKey = new Map<string, { image: Shown; changes: AccessChange[] }>();
  for (const change of changes) {
    const key = imageKey(change.image);
    const group = byKey.get(key) ?? { image: change.image, changes: [] };
    group.changes.push(change);
    byKey.set(key, group);
  }
  const losing = (group: { changes: AccessChange[] }) =>
    group.changes.some((c) => c.type === "loss" || c.type === "swap") ? 0 : 1;
  const sorted = [...byKey]
    .sort(([keyA, a], [keyB, b]) => losing(a) - losing(b) || keyA.localeCompare(keyB))
    .map(([, group]) => [group.image, group.changes] as const);
  return new Map(sorted);
}

/** Projects a refresh found deleted outside Pulumi on this image (the plan may share again). */
function deletedOutside(changes: AccessChange[]): Set<string> {
  const ids = new Set<string>();
  for (const change of changes) {
    const id =
      change.type === "drift" && change.what === "deleted"
        ? knownKey(change.project.id)
        : undefined;
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

function renderImage(image: Shown, changes: AccessChange[]): string[] {
  const deleted = deletedOutside(changes);
  const lines = [
    "",
    `### Image ${image.kind === "unknown" ? "known after apply" : describeShown(image)}`,
  ];
  for (const [type, title] of sectionTitles) {
    const ofType = changes.filter((change) => change.type === type);
    if (ofType.length === 0) continue;
    if (type === "loss") ofType.sort((a, b) => acceptedFirst(a) - acceptedFirst(b));
    lines.push("", `**${title}** (${ofType.length.toLocaleString("en-US")})`, "");
    for (const change of ofType) {
      const again =
        change.type === "gain" && deleted.has(knownKey(change.project.id) ?? "")
          ? " (again: it was deleted outside Pulumi)"
          : "";
      lines.push(`- ${describeChange(change)}${again}`);
    }
  }
  return lines;
}

function acceptedFirst(change: AccessChange): number {
  return change.type === "loss" && knownKey(change.status) === "accepted" ? 0 : 1;
}

/**
 * Grants to known ids that cannot be project ids (a name, a character lost, upper case): no
 * project could accept them. The provider warns about each at preview too (or refuses it with
 * `imagemembers:strictProjectIds`); secret and not yet known ids cannot be judged here.
 */
function shapeLines(review: Review): string[] {
  const misshapen = review.changes.flatMap((change) => {
    const granted =
      change.type === "gain" ? change.project : change.type === "swap" ? change.to : undefined;
    const id = granted && knownKey(granted.id);
    const mistake = id === undefined ? undefined : projectIdShapeMistake(id);
    return granted && mistake ? [{ project: granted, change, mistake }] : [];
  });
  if (misshapen.length === 0) return [];
  const lines = [
    `**Not a project id shape:** ${plural(misshapen.length, "grant goes", "grants go")} to an id that is not 32 lowercase hexadecimal characters, which no project could accept (\`openstack project show NAME -f value -c id\` finds a project's id):`,
    "",
    ...misshapen
      .slice(0, misshapenNamedInReport)
      .map(
        ({ project, change, mistake }) =>
          `- ${describeProject(project)} (${describeResource(change.source)}): ${mistake.replace(/^it has /, "")}`,
      ),
  ];
  const more = misshapen.length - misshapenNamedInReport;
  if (more > 0) lines.push(`- … and ${plural(more, "more", "more")}`);
  return ["", ...lines];
}

function describeProject(project: ProjectView, fallback = "unset"): string {
  const id = project.id.kind === "absent" ? fallback : describeShown(project.id);
  return project.name === undefined
    ? id
    : `${id} (${describeShown({ kind: "known", value: project.name })})`;
}

const lossMeanings: Record<string, string> = {
  accepted: "**accepted: they can no longer launch from it**",
  pending: "pending: had not accepted it yet",
  rejected: "rejected: had declined it",
  unknown: "status unknown (a member whose creation was not confirmed)",
};

/** What losing access means for a member that had this status. */
function lossMeaning(status: Shown): string {
  const known = knownKey(status);
  return known !== undefined && Object.hasOwn(lossMeanings, known)
    ? lossMeanings[known]
    : status.kind === "absent"
      ? describeStatus(status)
      : `status ${describeStatus(status)}`;
}

function describeChange(change: AccessChange): string {
  const source = describeResource(change.source);
  switch (change.type) {
    case "gain":
      return `${describeProject(change.project)} — ${source}`;
    case "loss": {
      const meaning = lossMeaning(change.status);
      return `${describeProject(change.project)} — ${meaning} — ${source}`;
    }
    case "swap": {
      const had = lossMeaning(change.fromStatus);
      return `${describeProject(change.from)} → ${describeProject(change.to)} — leaving: ${had} — ${source}`;
    }
    case "acceptance": {
      const project = describeProject(change.project, "the project of its credentials");
      const from = change.from.kind === "absent" ? "" : `${describeStatus(change.from)} → `;
      const what =
        change.op === "create"
          ? "set by a new resource"
          : change.op === "delete"
            ? "resource deleted: the status is reset"
            : "changed";
      return `${project}: ${from}${describeStatus(change.to)} (${what}) — ${source}`;
    }
    case "drift":
      return change.what === "deleted"
        ? `${describeProject(change.project)}: deleted outside Pulumi${wasStatus(change.before)} — ${source}`
        : change.what === "granted"
          ? `${describeProject(change.project)}: **granted outside Pulumi** (status ${describeStatus(change.after)}; the resource is exclusive: an update after a refresh removes it) — ${source}`
          : `${describeProject(change.project)}: status changed to ${describeStatus(change.after)} outside Pulumi${wasStatus(change.before)} — ${source}`;
    case "opaque":
      return `the project list is ${opacityText[change.what]}: who gains or loses access cannot be shown — ${source}`;
  }
}

const opacityText: Record<Opacity, string> = {
  secret: "`[secret]`",
  unknown: "known after apply",
  refused:
    "refused by the provider (projects and memberIds both given, or one of them null; its check fails before any request)",
};

function wasStatus(status: Shown): string {
  return status.kind === "known" ? ` (was ${describeStatus(status)})` : "";
}

function cutNote(hiddenChanges: number, hiddenImages: number, maxChars: number): string {
  const images =
    hiddenImages > 0 ? ` (${plural(hiddenImages, "image", "images")} not reached)` : "";
  return (
    `_Detail cut to stay under ${maxChars.toLocaleString("en-US")} characters: ` +
    `${plural(hiddenChanges, "change is", "changes are")} not listed${images}. ` +
    "The summary above counts all of them._"
  );
}
