/**
 * The Node provider server announces `acceptSecrets`, so the engine hands it secret values
 * wrapped (`{ <sig>: <secret sig>, value }`) and keeps whatever secretness the answer carries,
 * adding none itself. The runtime providers take plain values, as the dynamic provider server
 * gives them (it does not accept secrets: the engine unwraps them and marks the outputs).
 * These two functions do for the plugin what the engine does for the dynamic provider.
 */

const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

type Bag = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Bag)[sigKey] === secretSig;
}

function secret(value: unknown): Bag {
  return { [sigKey]: secretSig, value };
}

/** The same properties with every secret unwrapped, at any depth. */
export function revealed<T>(value: T): T {
  if (isSecret(value)) return revealed(value.value) as T;
  if (Array.isArray(value)) return value.map(revealed) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Bag).map(([key, v]) => [key, revealed(v)]),
    ) as T;
  }
  return value;
}

/**
 * `outs` with each property secret whose namesake in `ins` was (nested objects compared key
 * by key), the rule the engine applies to providers that do not accept secrets.
 */
export function withSecretsOf<T>(outs: T, ins: unknown): T {
  if (typeof outs !== "object" || outs === null || Array.isArray(outs)) return outs;
  if (typeof ins !== "object" || ins === null) return outs;
  const given = ins as Bag;
  return Object.fromEntries(
    Object.entries(outs as Bag).map(([key, value]) => {
      const was = given[key];
      if (isSecret(was)) return [key, isSecret(value) ? value : secret(value)];
      if (isSecret(value)) return [key, value];
      return [key, withSecretsOf(value, was)];
    }),
  ) as T;
}
