/**
 * Which inputs of a resource the program gave as secrets, so that a message about a project
 * id can name it without its value. The runtime providers get plain values either way: the
 * dynamic provider server does not accept secrets (the engine unwraps them), and the plugin
 * unwraps them itself (../../plugin/secrets.ts). So the program (dynamic resources, see
 * `secretInputNames` in ./dynamicResource.ts) or the plugin says it in one more input,
 * `secretInputs`: the names of the inputs that were or held a secret. It holds names only,
 * never a value.
 */

/** The input that lists the names of the secret inputs. */
export const secretInputsKey = "secretInputs";

/** The names `inputs` lists as secret; none when it lists nothing (or nothing readable). */
export function secretInputsOf(inputs: unknown): ReadonlySet<string> {
  const listed =
    typeof inputs === "object" && inputs !== null
      ? (inputs as Record<string, unknown>)[secretInputsKey]
      : undefined;
  return new Set(Array.isArray(listed) ? listed.filter((n) => typeof n === "string") : []);
}
