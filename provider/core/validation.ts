import type { CheckFailure } from "@pulumi/pulumi/dynamic";

/**
 * The value the engine puts in place of an input that is not known yet during a preview
 * (`rpc.unknownValue` in `@pulumi/pulumi`). Such a value is checked again once known.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Glance's member column is 255 wide; longer ids make the server fail with a 500. */
export const maxMemberIdLength = 255;

function describe(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return JSON.stringify(shown);
  }
  return value === undefined ? "nothing" : `a ${typeof value}`;
}

/** Image ids are UUIDs on every cloud this provider serves. */
export function checkImageId(value: unknown, property = "imageId"): CheckFailure | undefined {
  if (value === unknownValue) {
    return undefined;
  }
  if (typeof value !== "string" || !uuidPattern.test(value)) {
    return {
      property,
      reason:
        `${property} must be the UUID of an image, like "d164b5df-1bc3-4c3f-893e-3e471fd16e64"; ` +
        `got ${describe(value)}`,
    };
  }
  return undefined;
}

/**
 * A project id as a member id. Glance stores almost any string, but some it cannot manage
 * afterwards: a `/` makes a member nobody can read or delete, 300 characters give a 500,
 * and `.` or `..` would make the client address another URL.
 */
export function checkProjectId(value: unknown, property = "memberId"): CheckFailure | undefined {
  if (value === unknownValue) {
    return undefined;
  }
  const problem = projectIdProblem(value);
  return problem
    ? {
        property,
        reason: `${property} must be the id of a project (${problem}); got ${describe(value)}`,
      }
    : undefined;
}

function projectIdProblem(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return "a string";
  }
  if (value.length === 0) {
    return "it is empty";
  }
  if (value.length > maxMemberIdLength) {
    return `at most ${maxMemberIdLength} characters; it has ${value.length}`;
  }
  if (/\s/.test(value)) {
    return "it contains white space; copy the id without spaces or line breaks";
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return "it contains control characters";
  }
  const invisible = invisibleCharacter(value);
  if (invisible) {
    return `it contains the invisible formatting character ${invisible}; copy the id again without it`;
  }
  if (value.includes("/")) {
    return 'it contains "/", which the image service accepts but can never read or delete again';
  }
  if (/^\.+$/.test(value)) {
    return "it is only dots";
  }
  if (/[\u{10000}-\u{10FFFF}]/u.test(value)) {
    return "it contains characters outside the Basic Multilingual Plane, which the image service cannot store";
  }
  return undefined;
}

/**
 * The first invisible formatting character (Unicode category Cf) of `text`, as `U+XXXX` with
 * what it does, or undefined. Bidirectional controls such as U+202E reverse the text after
 * them, so an id holding one prints as another id in a diff or the access review; zero-width
 * characters make two different ids look the same. Neither belongs in an id or a label.
 */
export function invisibleCharacter(text: string): string | undefined {
  const found = /\p{Cf}/u.exec(text)?.[0];
  if (found === undefined) return undefined;
  const code = `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  return /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(found)
    ? `${code} (a bidirectional control: what follows it prints in another order, as another id)`
    : code;
}

/** A region name: optional, but when given it must be usable. */
export function checkRegion(value: unknown, property = "region"): CheckFailure | undefined {
  if (value === undefined || value === null || value === unknownValue) {
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "" || /\s/.test(value) || value.length > 255) {
    return {
      property,
      reason: `${property}, when set, must be a region name without spaces, like "RegionOne"; got ${describe(value)}`,
    };
  }
  return undefined;
}

export function checkOptionalBoolean(value: unknown, property: string): CheckFailure | undefined {
  if (
    value === undefined ||
    value === null ||
    value === unknownValue ||
    typeof value === "boolean"
  ) {
    return undefined;
  }
  return {
    property,
    reason: `${property}, when set, must be true or false; got ${describe(value)}`,
  };
}

/** One of a fixed set of words, such as a membership status. */
export function checkOneOf(
  value: unknown,
  property: string,
  allowed: readonly string[],
): CheckFailure | undefined {
  if (value === unknownValue || (typeof value === "string" && allowed.includes(value))) {
    return undefined;
  }
  return {
    property,
    reason: `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${describe(value)}`,
  };
}

/** Optional free text: absent, or a non-empty string without surrounding white space. */
export function checkOptionalText(value: unknown, property: string): CheckFailure | undefined {
  if (value === undefined || value === null || value === unknownValue) {
    return undefined;
  }
  if (
    typeof value !== "string" ||
    value.trim() === "" ||
    value.trim() !== value ||
    value.length > 255
  ) {
    return {
      property,
      reason: `${property}, when set, must be a non-empty id without surrounding spaces; got ${describe(value)}`,
    };
  }
  return undefined;
}

export function failures(...results: (CheckFailure | undefined)[]): CheckFailure[] {
  return results.filter((f): f is CheckFailure => f !== undefined);
}
