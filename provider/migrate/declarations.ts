/**
 * What each membership becomes in Pulumi, once for every output format: the resource type, the
 * inputs a program declares, and the outputs the import records (what the state last saw).
 */
import type { NamedMembership } from "./names";

/** The resource (of the plugin and of the TypeScript package) a membership becomes. */
export function resourceOf(m: NamedMembership): "ImageMember" | "ImageMemberAcceptance" {
  return m.kind === "member" ? "ImageMember" : "ImageMemberAcceptance";
}

/**
 * The `cloud` input: the Terraform provider configuration's alias stands for the clouds.yaml
 * entry holding its credentials; the default configuration's resources use OS_CLOUD / OS_*.
 */
export function cloudOf(m: NamedMembership): string | undefined {
  return m.source.providerAlias;
}

/** The inputs, in the order the resources document them. */
export function inputsOf(m: NamedMembership): Record<string, string> {
  const cloud = cloudOf(m);
  return {
    imageId: m.imageId,
    memberId: m.memberId,
    ...(m.kind === "acceptance" && m.status ? { status: m.status } : {}),
    ...(m.region ? { region: m.region } : {}),
    ...(m.kind === "acceptance" && m.vaultId ? { vaultId: m.vaultId } : {}),
    ...(cloud ? { cloud } : {}),
  };
}

/** The outputs as the provider would have recorded them, as far as the state knows them. */
export function outputsOf(m: NamedMembership): Record<string, string> {
  return {
    ...inputsOf(m),
    ...(m.status ? { status: m.status } : {}),
    ...(m.createdAt ? { createdAt: m.createdAt } : {}),
    ...(m.updatedAt ? { updatedAt: m.updatedAt } : {}),
    ...(m.schema ? { schema: m.schema } : {}),
  };
}

/** The owner's side of the same membership, when this state manages it too. */
export function shareOf(m: NamedMembership, all: NamedMembership[]): NamedMembership | undefined {
  if (m.kind !== "acceptance") return undefined;
  return all.find(
    (other) =>
      other.kind === "member" && other.imageId === m.imageId && other.memberId === m.memberId,
  );
}
