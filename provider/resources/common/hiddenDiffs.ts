import type * as pulumi from "@pulumi/pulumi";

/**
 * Outputs Glance records about a membership and no program sets. In a replacement's preview
 * the engine compares the old outputs with the new inputs, where these are absent, and lists
 * each as removed (`- createdAt: "..."`) beside the property that really forces the
 * replacement. Hidden, each shows as one `~ createdAt (hidden)` line without its value;
 * the engine offers no way to drop the line itself (its display prints every hidden path).
 */
export const serverRecordedOutputs = ["createdAt", "updatedAt", "schema", "managingProjectId"];

/** The resource options with the server-recorded outputs added to `hideDiffs`. */
export function hidingServerRecords(
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  return { ...opts, hideDiffs: [...(opts?.hideDiffs ?? []), ...serverRecordedOutputs] };
}
