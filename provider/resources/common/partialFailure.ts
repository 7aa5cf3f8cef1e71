/**
 * A hook that failed after changing something: the error carries the resource id and the
 * properties to keep in state. The dynamic provider server answers such an error with
 * "resource initialization failed", and the engine stores those properties as the resource's
 * outputs, for a create ("created but failed to initialise") as for an update; the next
 * `pulumi up` then updates the resource to finish the work, refresh drops what is absent,
 * destroy removes what exists. The server does not add the serialized provider (`__provider`)
 * to these properties as it does on success, so they carry the inputs' own.
 */
export function keptInState<E extends Error>(
  error: E,
  id: string,
  outputs: object,
  inputs: object,
  reasons: string[] = [error.message],
): E {
  const provider = (inputs as Record<string, unknown>).__provider;
  return Object.assign(error, {
    id,
    properties: { ...outputs, ...(provider !== undefined ? { __provider: provider } : {}) },
    reasons,
  });
}
