/**
 * Values as `pulumi preview --json` prints them: plain JSON, where the engine writes a secret
 * as the string "[secret]" and a value it cannot know before apply as its unknown sentinel.
 * A secret is never looked into: only the fact that it is secret is kept.
 */
import { unknownValue } from "../core/validation";

/** How `pulumi preview --json` prints a secret value. */
export const secretMarker = "[secret]";

/** The signature key the engine puts on a serialized secret object (stack exports). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";

/** A string-valued property as the preview shows it. */
export type Shown =
  { kind: "known"; value: string } | { kind: "unknown" } | { kind: "secret" } | { kind: "absent" };

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` is a secret as the engine prints it, without reading what it hides. */
export function isSecret(value: unknown): boolean {
  return value === secretMarker || (isObject(value) && secretSignatureKey in value);
}

/** Whether `value` is the engine's unknown sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** Reads a string property: known, unknown, secret, or absent (missing or not a string). */
export function readShown(value: unknown): Shown {
  if (isSecret(value)) return { kind: "secret" };
  if (isUnknown(value)) return { kind: "unknown" };
  if (typeof value === "string" && value !== "") return { kind: "known", value };
  return { kind: "absent" };
}

/** A key under which equal known values meet; unknown and secret values never equal anything. */
export function knownKey(shown: Shown): string | undefined {
  return shown.kind === "known" ? shown.value : undefined;
}

/** Longest project id, name or image id printed; longer ones are shortened with an ellipsis. */
const longestShownText = 120;

/**
 * Text safe inside a Markdown code span of a pull-request comment: no backticks, no control
 * characters or line breaks, no invisible formatting characters (a bidirectional control such
 * as U+202E would make an id print as another), at most `longestShownText` characters.
 */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f`]|\p{Cf}/gu, "?");
  return cleaned.length > longestShownText ? `${cleaned.slice(0, longestShownText - 1)}…` : cleaned;
}

/** The statuses Glance (and ImageMembers' unsettled members) use, printed bare. */
const plainStatuses = new Set(["pending", "accepted", "rejected", "unknown"]);

/** A member status as the report prints it: a known status bare, anything else as a value. */
export function describeStatus(shown: Shown): string {
  if (shown.kind === "known" && plainStatuses.has(shown.value)) return shown.value;
  return shown.kind === "absent" ? "status not recorded" : describeShown(shown);
}

/** A value as the report prints it: a code span, "known after apply", "[secret]" or "unset". */
export function describeShown(shown: Shown): string {
  switch (shown.kind) {
    case "known":
      return `\`${plainText(shown.value)}\``;
    case "unknown":
      return "known after apply";
    case "secret":
      return "`[secret]`";
    case "absent":
      return "unset";
  }
}
