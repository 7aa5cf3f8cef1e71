/**
 * The shape of a project id. Glance stores any string as a member, so a project *name*
 * (`consumer`), an id with one character lost in copying, or an id in upper case is shared
 * without a word: the member is one no project can ever see or accept, it stays `pending`,
 * and the intended project never gets the image. Keystone makes project ids as
 * `uuid4().hex`, and Huawei Cloud and Open Telekom Cloud project ids have the same shape:
 * 32 lowercase hexadecimal characters. Any other shape is a warning at `check` (so at
 * `pulumi preview`), or an error with `imagemembers:strictProjectIds: true`.
 *
 * The messages never quote the id: an id may be a secret, and the dynamic provider's `check`
 * receives secrets in plain text without knowing they were secret.
 */
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { rulesNamespace, ruleKeys } from "./allowedProjects";
import { checkImageId, checkProjectId, unknownValue } from "./validation";
import { projectIdPattern } from "../identity/projectId";

/** The command that gives the id of a project known by its name. */
export const findProjectIdCommand = "openstack project show NAME -f value -c id";

const dashedUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The likely mistake behind a member id that cannot be a project id, in words that do not
 * quote it; undefined when it has a project id's shape.
 */
export function projectIdShapeMistake(id: string): string | undefined {
  if (projectIdPattern.test(id)) return undefined;
  if (dashedUuid.test(id)) {
    return (
      "it is a UUID with dashes (an image, user or domain id?), and a project id has no " +
      "dashes: 32 lowercase hexadecimal characters"
    );
  }
  if (/^[0-9a-fA-F]+$/.test(id)) {
    if (id.length === 32) {
      return "it has upper-case letters, and project ids are lower case (Glance compares ids exactly)";
    }
    const upper = /[A-F]/.test(id) ? " (some upper case)" : "";
    const off = Math.abs(id.length - 32);
    const fewer = id.length < 32;
    const likely =
      off === 1
        ? `a character ${fewer ? "lost" : "added"} in copying`
        : fewer
          ? "cut short in copying, or a project name"
          : "characters added in copying";
    return (
      `it has ${characters(id.length, "hexadecimal ")}${upper}, ${off} ${fewer ? "fewer" : "more"} ` +
      `than the 32 of a project id: probably ${likely}`
    );
  }
  return (
    `it has ${characters(id.length)}, not 32 lowercase hexadecimal ones: probably a project ` +
    "name where its id belongs"
  );
}

function characters(count: number, kind = ""): string {
  return `${count} ${kind}character${count === 1 ? "" : "s"}`;
}

/** One project id a resource grants (or accepts for), under its property. */
export interface ProjectIdUse {
  property: string;
  memberId: unknown;
}

/** The findings of the rule: failures in strict mode, warnings otherwise. */
export interface ShapeFindings {
  failures: CheckFailure[];
  warnings: string[];
}

/** How a resource uses the project: who it is and what a wrong id would do there. */
export interface ProjectIdWords {
  role: string;
  consequence: string;
}

/** Words for a project granted access to `image` ("image <id>", or "the image"). */
export function grantWords(image: string): ProjectIdWords {
  return {
    role: `${image} would be shared with`,
    consequence:
      "Glance would store it anyway, as a member no project can see or accept: it would stay " +
      `pending and the intended project would never get ${image}`,
  };
}

/**
 * The shape rule for every resource that takes project ids: `resource` is its type name
 * (`ImageMember`, `ImageMembers`, `ImageMemberAcceptance`), `words` what the project does
 * there (a grant by default). Values not known yet pass: `check` runs again with them known
 * before anything is sent. An id `checkProjectId` refuses is left to it.
 */
export function checkProjectIdShapes(options: {
  resource: string;
  imageId: unknown;
  uses: readonly ProjectIdUse[];
  strict: boolean;
  words?: (image: string) => ProjectIdWords;
}): ShapeFindings {
  const { resource, uses, strict } = options;
  // An image id refused by its own check (or not known yet) is not repeated here.
  const image =
    typeof options.imageId === "string" &&
    checkImageId(options.imageId) === undefined &&
    options.imageId !== unknownValue
      ? `image ${options.imageId}`
      : "the image";
  const { role, consequence } = (options.words ?? grantWords)(image);
  const key = `${rulesNamespace}:${ruleKeys.strict}`;
  const findings: ShapeFindings = { failures: [], warnings: [] };
  for (const { property, memberId } of uses) {
    if (typeof memberId !== "string" || memberId === unknownValue) continue;
    if (checkProjectId(memberId) !== undefined) continue; // refused already, for a worse reason
    const mistake = projectIdShapeMistake(memberId);
    if (mistake === undefined) continue;
    const shown = propertyWithoutId(property, memberId);
    const said =
      `${resource}: ${shown.text}, the project ${role}, cannot be a project id: ${mistake}. ` +
      `${consequence}. Put the project's id there: \`${findProjectIdCommand}\` prints it`;
    if (strict) {
      findings.failures.push({
        property: shown.property,
        reason: `${said}. ${key} is true, so this is an error; nothing was sent.`,
      });
    } else {
      findings.warnings.push(
        `${said}. (Set ${key} to true in the stack config to make this an error.)`,
      );
    }
  }
  return findings;
}

/**
 * The property to name, never the id itself: a secret `memberIds` list reaches `check` as a
 * `projects` map keyed by the ids, so `projects.<label>` may spell the id.
 */
function propertyWithoutId(property: string, id: string): { property: string; text: string } {
  const base = property.split(".")[0]!;
  if (property !== `${base}.${id}`) return { property, text: property };
  return { property: base, text: `an entry of ${base} (its label withheld: it is the id)` };
}
