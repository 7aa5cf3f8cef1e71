/**
 * The Node provider server announces `acceptSecrets`, so the engine hands it secret values
 * wrapped (`{ <sig>: <secret sig>, value }`) and keeps whatever secretness the answer carries,
 * adding none itself. The runtime providers take plain values, as the dynamic provider server
 * gives them (it does not accept secrets: the engine unwraps them and marks the outputs).
 * These functions do for the plugin what the engine does for the dynamic provider, and a
 * little more where a property is made from another of a different name (see `derivedFrom`).
 */

import { secretInputsKey } from "../resources/common/secretInputs";

const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

type Bag = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Bag)[sigKey] === secretSig;
}

function secret(value: unknown): Bag {
  return { [sigKey]: secretSig, value };
}

function isPlainObject(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a secret hides anywhere in `value` (a list or map holding one counts). */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isPlainObject(value)) return Object.values(value).some(containsSecret);
  return false;
}

/** The same properties with every secret unwrapped, at any depth (in lists too). */
export function revealed<T>(value: T): T {
  if (isSecret(value)) return revealed(value.value) as T;
  if (Array.isArray(value)) return value.map(revealed) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, revealed(v)])) as T;
  }
  return value;
}

/**
 * Properties a resource's hooks make from other properties of another name, so that the
 * engine's rule (same name only) would let a secret out in plain text. `ImageMembers`' `check`
 * turns a `memberIds` list into the `projects` map whose keys are those ids; `create` and
 * `update` answer `members` (each with its `memberId`) from either; `read` answers `projects`
 * from `members`. Such a property is secret as a whole when one it comes from held a secret.
 */
const derivedFrom: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  ImageMembers: {
    projects: ["memberIds", "members"],
    memberIds: ["projects", "members"],
    members: ["projects", "memberIds"],
  },
};

/**
 * `outs` with each property secret whose namesake in `ins` was or held a secret (objects on
 * both sides compared key by key, anything else made secret as a whole: the engine's rule for
 * providers that do not accept secrets), and each property of `resource` made from one that
 * held a secret made secret as a whole.
 */
export function withSecretsOf<T>(outs: T, ins: unknown, resource?: string): T {
  if (!isPlainObject(outs) || !isPlainObject(ins)) return outs;
  const derived = (resource !== undefined && derivedFrom[resource]) || {};
  return Object.fromEntries(
    Object.entries(outs).map(([key, value]) => {
      if (isSecret(value)) return [key, value];
      if (Object.hasOwn(ins, key)) {
        const was = ins[key];
        if (isPlainObject(value) && isPlainObject(was) && !isSecret(was)) {
          return [key, withSecretsOf(value, was)];
        }
        return [key, containsSecret(was) ? secret(value) : value];
      }
      const sources = derived[key] ?? [];
      return [key, sources.some((source) => containsSecret(ins[source])) ? secret(value) : value];
    }),
  ) as T;
}

/**
 * The properties unwrapped, and the names of those that were or held a secret under
 * `secretInputs` (../resources/common/secretInputs.ts), as a TypeScript program gives them to
 * the dynamic resources: so a refusal names a secret project without its value.
 */
export function revealedNamingSecrets(props: Bag): Bag {
  const rest = withoutSecretNames(props);
  const secretNames = Object.keys(rest).filter((key) => containsSecret(rest[key]));
  return {
    ...revealed(rest),
    ...(secretNames.length > 0 ? { [secretInputsKey]: secretNames } : {}),
  };
}

/** Check's inputs without `secretInputs`: the plugin says it again at each hook. */
export function withoutSecretNames(inputs: Bag): Bag {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== secretInputsKey));
}
