/**
 * Pulumi resource names from Terraform addresses: `module.team.openstack_images_image_access_v2.share["ops"]`
 * becomes `team-share-ops`. The type is left out (the Pulumi type says it), so names stay short;
 * they are unique across the whole program, as a YAML program's resource keys must be.
 */
import type { Membership } from "./memberships";

/** A membership with the name its Pulumi resource gets. */
export type NamedMembership = Membership & { name: string };

/**
 * Names every membership and puts the owners' sides first (in the state's order), then the
 * acceptances: the owners' keep the plain names, and every output lists a share before the
 * acceptance that depends on it.
 */
export function nameMemberships(memberships: Membership[]): NamedMembership[] {
  const taken = new Set<string>();
  const names = new Map<Membership, string>();
  const perSource = new Map<Membership["source"], number>();
  for (const m of memberships) perSource.set(m.source, (perSource.get(m.source) ?? 0) + 1);
  const ordered = [
    ...memberships.filter((m) => m.kind === "member"),
    ...memberships.filter((m) => m.kind === "acceptance"),
  ];
  for (const m of ordered) {
    let base = baseName(m.source);
    // A Huawei Cloud share holds several projects: one resource each.
    if ((perSource.get(m.source) ?? 0) > 1) base = `${base}-${sanitized(m.memberId)}`;
    let name = base;
    if (taken.has(name) && m.kind === "acceptance") name = `${base}-accept`;
    for (let n = 2; taken.has(name); n += 1) name = `${base}-${n}`;
    taken.add(name);
    names.set(m, name);
  }
  return ordered.map((m) => ({ ...m, name: names.get(m)! }));
}

function baseName(source: Membership["source"]): string {
  const modules = (source.module ?? "")
    .split(/\.?module\./)
    .filter(Boolean)
    .map(sanitized);
  const index = source.indexKey === undefined ? [] : [sanitized(String(source.indexKey))];
  return [...modules, sanitized(source.name), ...index].filter(Boolean).join("-");
}

/** Letters, digits, `_` and `-` only: safe as a YAML key, a URN part and a TypeScript string. */
function sanitized(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}
