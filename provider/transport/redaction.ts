/**
 * A process-wide list of secret strings (passwords, application credential secrets, tokens,
 * secret keys) that must never leave the process in an error message or a log line.
 *
 * It lives on `globalThis` rather than in a module variable because Pulumi serializes each
 * provider method with its own copy of module-scope state; a global is shared by all of them.
 */
type Registry = Set<string>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  // Looked up on each call: Pulumi's serializer cannot capture a symbol held in a variable.
  return (holder[Symbol.for("pulumi-image-members.secrets")] ??= new Set<string>());
}

/** Remembers a secret so that `redactSecrets` can take it out of any text. */
export function registerSecret(secret: string | undefined): void {
  // Very short values would redact ordinary words; real secrets are never this short.
  if (secret && secret.length >= 4) {
    registry().add(secret);
  }
}

/** Replaces every registered secret in `text` with `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of registry()) {
    if (result.includes(secret)) {
      result = result.split(secret).join("[redacted]");
    }
  }
  return result;
}
