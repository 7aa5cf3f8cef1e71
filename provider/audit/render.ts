/**
 * The audit as Markdown: the summary always whole, then the grants no stack declares, those
 * that cannot be told, members never accepted, and the declared ones, cut (and the cut said)
 * to stay under the size of an issue or job summary. `--json` always has every grant.
 */
import { plainText } from "../review/values";
import type { Audit, AuditedGrant } from "./classify";
import type { Declarer } from "./stackExport";

/** GitHub refuses issue bodies and comments over 65,536 characters; stay well under. */
export const defaultMaxChars = 60_000;

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** Text in a code span inside a table cell: plain, and no `|` to split the cell. */
function code(text: string): string {
  return `\`${plainText(text).replace(/\|/g, "\\|")}\``;
}

function describeDeclarer(by: Declarer): string {
  const share = by.shareName === undefined ? "" : ` (ImageShare ${code(by.shareName)})`;
  return `${code(by.stack)}: ${by.kind} ${code(by.name)}${share}`;
}

function imageCell(grant: AuditedGrant): string {
  return grant.imageName ? `${code(grant.imageName)} ${code(grant.imageId)}` : code(grant.imageId);
}

function projectCell(grant: AuditedGrant): string {
  return grant.looksLikeProjectId
    ? code(grant.memberId)
    : `${code(grant.memberId)} (not a project id: those are 32 lowercase hexadecimal characters)`;
}

/** The date part of Glance's `YYYY-MM-DDTHH:MM:SSZ`. */
function day(timestamp: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(timestamp)?.[0] ?? (plainText(timestamp) || "unknown");
}

function unique(declarers: Declarer[]): string {
  return [...new Set(declarers.map(describeDeclarer))].join(", ");
}

interface Section {
  title: string;
  intro: string;
  header: string;
  rows: string[];
}

function sections(audit: Audit): Section[] {
  const of = (state: AuditedGrant["state"]) => audit.grants.filter((g) => g.state === state);
  const stale = audit.grants.filter((grant) => grant.pendingForDays !== undefined);
  return [
    {
      title: "Not declared by any stack",
      intro:
        "Granted outside every stack read here: by hand, by another tool, or by a stack not " +
        "given. Remove it (`openstack image remove project IMAGE PROJECT`) or declare it in a " +
        "stack (`adoptExisting: true` takes it over).",
      header: "| Image | Project | Status | Granted | Note |\n|---|---|---|---|---|",
      rows: of("unmanaged").map(
        (g) =>
          `| ${imageCell(g)} | ${projectCell(g)} | ${g.status} | ${day(g.createdAt)} | ` +
          (g.exclusiveBy.length > 0
            ? `the next \`pulumi up\` of ${unique(g.exclusiveBy)} (exclusive) removes it |`
            : " |"),
      ),
    },
    {
      title: "Cannot tell",
      intro:
        "A stack's project list on these images is secret in its export. Export it with " +
        "`pulumi stack export --show-secrets --file FILE` and give that file (`--stack-export " +
        "FILE`; keep it out of logs and artifacts).",
      header: "| Image | Project | Status | Granted | Unreadable list |\n|---|---|---|---|---|",
      rows: of("undetermined").map(
        (g) =>
          `| ${imageCell(g)} | ${projectCell(g)} | ${g.status} | ${day(g.createdAt)} | ${unique(g.opaqueBy)} |`,
      ),
    },
    {
      title: "Never accepted: check the id",
      intro:
        `Still \`pending\` more than ${plural(audit.pendingDays ?? 0, "day", "days")} after the ` +
        "grant: the project never accepted it. A project name given instead of its id, or an " +
        "id with a typo, stays pending forever while the intended project never gets the image: " +
        "check it (`openstack project show NAME -f value -c id`).",
      header: "| Image | Project | Pending for | Declared by |\n|---|---|---|---|",
      rows: stale.map(
        (g) =>
          `| ${imageCell(g)} | ${projectCell(g)} | ${plural(g.pendingForDays ?? 0, "day", "days")} | ` +
          `${g.declaredBy.length > 0 ? unique(g.declaredBy) : "no stack"} |`,
      ),
    },
    {
      title: "Declared",
      intro: "",
      header: "| Image | Project | Status | Declared by |\n|---|---|---|---|",
      rows: of("managed").map(
        (g) => `| ${imageCell(g)} | ${projectCell(g)} | ${g.status} | ${unique(g.declaredBy)} |`,
      ),
    },
  ];
}

function summaryLines(audit: Audit): string[] {
  const count = (state: AuditedGrant["state"]) =>
    audit.grants.filter((grant) => grant.state === state).length;
  const stale = audit.grants.filter((grant) => grant.pendingForDays !== undefined).length;
  const counts = [
    `${plural(audit.grants.length, "grant", "grants")} on ${plural(audit.images, "shared image", "shared images")}`,
    `${count("unmanaged")} not declared by any stack`,
    ...(count("undetermined") > 0 ? [`${count("undetermined")} cannot be told`] : []),
    ...(audit.pendingDays === undefined
      ? []
      : [`${stale} pending for more than ${plural(audit.pendingDays, "day", "days")}`]),
  ];
  const stacks =
    audit.stacks.length === 0
      ? "No stack given: every grant counts as not declared."
      : `Stacks read: ${audit.stacks
          .map(
            (stack) =>
              `${code(stack.name)} (${plainText(stack.origin)}, ${plural(stack.resources, "resource", "resources")} sharing images)`,
          )
          .join(", ")}.`;
  const lines = [
    "## Image access audit",
    "",
    `Project ${code(audit.project)}: **${counts.join(" · ")}**.`,
    "",
    stacks,
  ];
  if (audit.imagesWithoutMembers > 0) {
    lines.push(
      "",
      `${plural(audit.imagesWithoutMembers, "shared image has", "shared images have")} no member.`,
    );
  }
  if (audit.skipped.length > 0) {
    lines.push(
      "",
      `Left out, gone while being read: ${audit.skipped
        .map((skipped) => `${code(skipped.image.id)} (${skipped.reason})`)
        .join(", ")}.`,
    );
  }
  return lines;
}

/** Renders the audit as Markdown no longer than `maxChars` characters. */
export function renderAudit(audit: Audit, maxChars = defaultMaxChars): string {
  const lines = summaryLines(audit);
  let used = lines.join("\n").length;
  const cutNoteRoom = 300;
  let left = 0;
  for (const section of sections(audit)) {
    if (section.rows.length === 0) continue;
    const head = ["", `### ${section.title} (${section.rows.length})`, ""];
    if (section.intro) head.push(section.intro, "");
    head.push(section.header);
    const headLength = head.join("\n").length + 1;
    if (left > 0 || used + headLength + cutNoteRoom > maxChars) {
      left += section.rows.length;
      continue;
    }
    lines.push(...head);
    used += headLength;
    for (const [index, row] of section.rows.entries()) {
      if (used + row.length + 1 + cutNoteRoom > maxChars) {
        left += section.rows.length - index;
        break;
      }
      lines.push(row);
      used += row.length + 1;
    }
  }
  if (left > 0) {
    lines.push(
      "",
      `_${plural(left, "more row is", "more rows are")} left out to keep this report under ` +
        `${maxChars.toLocaleString("en-US")} characters; \`--json FILE\` lists every grant._`,
    );
  }
  return `${lines.join("\n")}\n`;
}
