import type * as pulumi from "@pulumi/pulumi";

/**
 * Outputs Glance records about a membership and no program sets. In a replacement's preview
 * the engine compares the old outputs with the new inputs, where these are absent, and lists
 * each as removed (`- createdAt: "..."`) beside the property that really forces the
 * replacement. Hidden, each shows as one `~ createdAt (hidden)` line without its value;
 * the engine offers no way to drop the line itself (its display prints every hidden path).
 */
export const serverRecordedOutputs = ["createdAt", "updatedAt", "schema", "managingProjectId"];

/**
 * An `ImageMember`'s: it no longer records `schema`, and each hidden path is kept in state
 * (`hideDiff`), paid at every checkpoint like its outputs.
 */
export const imageMemberRecords = serverRecordedOutputs.filter((name) => name !== "schema");

/** The resource options with the server-recorded outputs (`recorded`) added to `hideDiffs`. */
export function hidingServerRecords(
  opts: pulumi.CustomResourceOptions | undefined,
  recorded: readonly string[] = serverRecordedOutputs,
): pulumi.CustomResourceOptions {
  return { ...opts, hideDiffs: [...(opts?.hideDiffs ?? []), ...recorded] };
}
