/**
 * The projects an image may be shared with, as the stack configures them for the provider
 * itself, so that no `pulumi up` (a laptop, a job that skips the review, a second pipeline)
 * can grant access outside them: `imagemembers:allowedProjects` (a list) or
 * `imagemembers:allowedProjectsFile` (a file in the format of the review's
 * `--allowed-projects`), and `imagemembers:forbiddenProjects` (a list), the way the AWS
 * provider's `allowedAccountIds` / `forbiddenAccountIds` refuse to act outside an allowed set.
 *
 * Nothing configured: nothing is refused. A list that cannot be read refuses every grant
 * (never "allow all"), while reads and removals go on: taking access away is always allowed.
 */
import * as fs from "fs";
import * as path from "path";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { ProviderError } from "./explain";
import { unknownValue } from "./validation";

/** The stack config namespace of these settings: the plugin's package name. */
export const rulesNamespace = "imagemembers";

/** The keys, without their namespace. */
export const ruleKeys = {
  allowed: "allowedProjects",
  allowedFile: "allowedProjectsFile",
  forbidden: "forbiddenProjects",
  /** Member ids not shaped like a project id fail `check` instead of warning (./projectIdShape.ts). */
  strict: "strictProjectIds",
} as const;

/** A set of project ids and where it came from, in words a person can find it by. */
export interface ProjectList {
  readonly ids: ReadonlySet<string>;
  readonly source: string;
}

/** What the stack configures; either list may be absent. */
export interface ProjectRules {
  readonly allowed?: ProjectList;
  readonly forbidden?: ProjectList;
  /** `imagemembers:strictProjectIds`: an id of another shape than a project id's is an error. */
  readonly strictProjectIds?: boolean;
}

/** The rules as configured, or why they could not be read (then every grant is refused). */
export type LoadedRules = { readonly rules: ProjectRules } | { readonly broken: string };

/** No list configured: what a provider that was never configured also means. */
export const noRules: LoadedRules = { rules: {} };

/** Reads an allow-list file: one project id per line, `#` starts a comment, blanks ignored. */
export function parseAllowList(text: string): Set<string> {
  const allowed = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const id = line.replace(/(^|\s)#.*$/, "").trim();
    if (id !== "") allowed.add(id);
  }
  return allowed;
}

/**
 * Reads the rules from the stack config (`get` takes a namespaced key, as `configure`'s
 * config does). A relative `allowedProjectsFile` is read from `projectDir()`, called only
 * then. Never throws: a problem becomes `broken`.
 */
export function loadProjectRules(
  get: (key: string) => unknown,
  projectDir: () => string,
): LoadedRules {
  const key = (name: string) => `${rulesNamespace}:${name}`;
  try {
    const listed = get(key(ruleKeys.allowed));
    const file = get(key(ruleKeys.allowedFile));
    if (isSet(listed) && isSet(file)) {
      throw new RulesError(
        `both ${key(ruleKeys.allowed)} and ${key(ruleKeys.allowedFile)} are set; set one of them`,
      );
    }
    const allowed = isSet(file)
      ? readListFile(file, key(ruleKeys.allowedFile), projectDir)
      : isSet(listed)
        ? listOf(listed, key(ruleKeys.allowed))
        : undefined;
    const forbiddenValue = get(key(ruleKeys.forbidden));
    const forbidden = isSet(forbiddenValue)
      ? listOf(forbiddenValue, key(ruleKeys.forbidden))
      : undefined;
    const strict = booleanOf(get(key(ruleKeys.strict)), key(ruleKeys.strict));
    return {
      rules: {
        ...(allowed ? { allowed } : {}),
        ...(forbidden ? { forbidden } : {}),
        ...(strict ? { strictProjectIds: true } : {}),
      },
    };
  } catch (error) {
    if (error instanceof RulesError) return { broken: error.message };
    throw error;
  }
}

class RulesError extends Error {}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** true or false, as YAML or `pulumi config set` give it (the plugin gets the text). */
function booleanOf(value: unknown, key: string): boolean {
  if (!isSet(value) || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  throw new RulesError(`${key} must be true or false; got ${JSON.stringify(value)}`);
}

/**
 * Whether ids not shaped like a project id are errors. Rules that cannot be read are not
 * strict: they refuse every grant anyway (`refusalOf`), and the shape only warns then.
 */
export function strictProjectIds(loaded: LoadedRules): boolean {
  return !("broken" in loaded) && loaded.rules.strictProjectIds === true;
}

/**
 * A list as stack config gives it: a JSON list (what `pulumi config set --path key[0]` and a
 * YAML list in Pulumi.<stack>.yaml become), a list already parsed, or ids separated by commas
 * or white space.
 */
function listOf(value: unknown, key: string): ProjectList {
  const source = `${key} (stack config)`;
  let items: unknown = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (text.startsWith("[")) {
      try {
        items = JSON.parse(text);
      } catch {
        throw new RulesError(
          `${key} is not a valid JSON list of project ids: ${text.slice(0, 80)}`,
        );
      }
    } else {
      items = text.split(/[\s,]+/).filter((id) => id !== "");
      if ((items as string[]).length === 0) {
        throw new RulesError(
          `${key} is empty; give the project ids (a list), or remove the setting`,
        );
      }
    }
  }
  if (!Array.isArray(items) || !items.every((id) => typeof id === "string" && id.trim() !== "")) {
    throw new RulesError(`${key} must be a list of project ids (strings)`);
  }
  return { ids: new Set(items.map((id) => (id as string).trim())), source };
}

function readListFile(value: unknown, key: string, projectDir: () => string): ProjectList {
  if (typeof value !== "string" || value.trim() === "") {
    throw new RulesError(`${key} must be the path of a file of project ids`);
  }
  const dir = path.isAbsolute(value) ? "" : projectDir();
  const file = path.resolve(dir, value);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const relative = dir === "" ? "" : ` (relative to the Pulumi project's folder ${dir})`;
    throw new RulesError(
      `${key} names ${file}, which cannot be read (${reason}); fix the path${relative} or ` +
        `remove the setting`,
    );
  }
  return { ids: parseAllowList(text), source: `${key} (${file})` };
}

/**
 * The folder of the Pulumi project the engine runs: the nearest one above `start` (the
 * program's folder, where the engine starts the provider) holding Pulumi.yaml.
 */
export function pulumiProjectDir(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (["Pulumi.yaml", "Pulumi.yml"].some((name) => fs.existsSync(path.join(dir, name)))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new RulesError(`no Pulumi.yaml in ${start} or any folder above it`);
    }
  }
}

/**
 * Why granting `memberId` is refused, or undefined when it may be granted. `named` is how the
 * message names the project: `project <id>`, or words without the id for a secret one.
 */
export function refusalOf(
  loaded: LoadedRules,
  memberId: string,
  named = `project ${memberId}`,
): string | undefined {
  if ("broken" in loaded) {
    return (
      `the allowed projects cannot be checked: ${loaded.broken}. No project can be granted ` +
      `access until they can be`
    );
  }
  const { allowed, forbidden } = loaded.rules;
  if (forbidden?.ids.has(memberId)) {
    return `${named} is forbidden by ${forbidden.source}`;
  }
  if (allowed && !allowed.ids.has(memberId)) {
    return `${named} is not on the allowed list, ${allowed.source}`;
  }
  return undefined;
}

/**
 * A project a resource grants, under its property (`memberId`, `memberIds[2]`,
 * `projects.<label>`); `secret` when the program gave it as a secret (the resource's
 * `secretInputs`, ../resources/common/secretInputs.ts).
 */
export interface Grant {
  property: string;
  memberId: unknown;
  secret?: boolean;
  /** Its place among the resource's projects (from 0), when not its place in the list given. */
  position?: number;
}

/**
 * How a refusal names the project, and the property it names: a secret id never appears,
 * neither in the words nor in the property (a `projects` key made from a list is the id).
 */
function namesOf(grant: Grant, index: number): { named: string; property: string } {
  const id = String(grant.memberId);
  if (grant.secret !== true) return { named: `project ${id}`, property: grant.property };
  const base = grant.property.split(/[.[]/)[0]!;
  const keyed = grant.property.startsWith(`${base}.`) && grant.property !== `${base}.${id}`;
  const place =
    grant.property === base
      ? base
      : keyed
        ? grant.property
        : `#${(grant.position ?? index) + 1} of ${base}`;
  return {
    named: `a secret project id (${place})`,
    property: keyed || grant.property === base ? grant.property : base,
  };
}

const remedy =
  "remove the grant from the program, or have the list changed (a reviewed change of the stack " +
  "configuration)";

/**
 * `check`'s failures for the projects a resource grants, each under its property. Values not
 * known yet pass here: `create` and `update` check them before any request.
 */
export function checkGrants(
  loaded: LoadedRules,
  imageId: unknown,
  grants: readonly Grant[],
): CheckFailure[] {
  const image = typeof imageId === "string" && imageId !== unknownValue ? ` ${imageId}` : "";
  return grants.flatMap((grant, index) => {
    const { memberId } = grant;
    if (typeof memberId !== "string" || memberId === unknownValue) return [];
    const { named, property } = namesOf(grant, index);
    const refused = refusalOf(loaded, memberId, named);
    return refused
      ? [
          {
            property,
            reason: `image${image} cannot be shared with ${named}: ${refused}; ${remedy}. Nothing was sent.`,
          },
        ]
      : [];
  });
}

/**
 * Throws before any request when a project about to be granted access is refused: the last
 * word for values `check` could not see (known only after apply). `grants` are ids, or grants
 * that say where each id is and whether it is secret.
 */
export function enforceGrants(
  loaded: LoadedRules,
  imageId: string,
  grants: (string | Grant)[],
): void {
  const refused = grants.flatMap((given, index) => {
    const grant = typeof given === "string" ? { property: "", memberId: given } : given;
    const why = refusalOf(loaded, String(grant.memberId), namesOf(grant, index).named);
    return why ? [why] : [];
  });
  if (refused.length === 0) return;
  throw new ProviderError(
    `Cannot share image ${imageId}: ${refused.join("; ")}. Nothing was sent (no project of ` +
      `this resource was granted access); ${remedy}.`,
  );
}
