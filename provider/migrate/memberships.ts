/**
 * The image memberships a Terraform state manages, whichever provider made them. One table
 * says, for each resource type, which side of the share it is and which attribute holds
 * what; the attribute names are those the providers document and record:
 *
 * - terraform-provider-openstack: `openstack_images_image_access_v2` (the owner's side,
 *   id `<image>/<member>`) and `openstack_images_image_access_accept_v2` (the member's side;
 *   its destroy sets `rejected`);
 * - Open Telekom Cloud: `opentelekomcloud_images_image_access_v2` (it records `update_at`,
 *   not `updated_at`, and no region) and `opentelekomcloud_images_image_access_accept_v2`;
 * - Huawei Cloud: `huaweicloud_images_image_share` (one resource for all `target_project_ids`
 *   of one `source_image_id`; it records nothing read back from the cloud) and
 *   `huaweicloud_images_image_share_accepter` (accepts with the provider's own project, which
 *   the state does not record; its destroy sets `rejected`).
 */
import { TerraformInputError, TerraformInstance, TerraformState } from "./terraformState";

/** One membership, on the owner's side (`member`) or the member project's (`acceptance`). */
export interface Membership {
  kind: "member" | "acceptance";
  /** The Terraform instance it comes from (a Huawei share gives one membership per project). */
  source: TerraformInstance;
  imageId: string;
  memberId: string;
  /** Acceptances: the status they set. Members: the status the state last saw. */
  status?: string;
  region?: string;
  vaultId?: string;
  createdAt?: string;
  updatedAt?: string;
  schema?: string;
}

/** Options the state alone cannot answer. */
export interface MembershipOptions {
  /**
   * The project a Huawei Cloud `_share_accepter` accepted for: the project of the provider
   * that applied it, which the state does not record.
   */
  acceptingProject?: string;
}

interface Mapping {
  kind: Membership["kind"];
  /** Which attribute holds each property; the first one present wins. */
  image: string;
  member?: string;
  /** Several members in one attribute (a list of project ids). */
  members?: string;
  status?: string;
  /** The status the resource sets when the state has no attribute for it. */
  fixedStatus?: string;
  vault?: string;
  createdAt?: string;
  updatedAt?: string[];
  schema?: string;
}

const glanceMember = {
  image: "image_id",
  member: "member_id",
  status: "status",
  createdAt: "created_at",
  schema: "schema",
} as const;

/** Resource type => how to read a membership from its attributes. */
export const membershipTypes: Record<string, Mapping> = {
  openstack_images_image_access_v2: { kind: "member", ...glanceMember, updatedAt: ["updated_at"] },
  openstack_images_image_access_accept_v2: {
    kind: "acceptance",
    ...glanceMember,
    updatedAt: ["updated_at"],
  },
  opentelekomcloud_images_image_access_v2: {
    kind: "member",
    ...glanceMember,
    updatedAt: ["update_at", "updated_at"],
  },
  opentelekomcloud_images_image_access_accept_v2: {
    kind: "acceptance",
    ...glanceMember,
    updatedAt: ["updated_at"],
  },
  huaweicloud_images_image_share: {
    kind: "member",
    image: "source_image_id",
    members: "target_project_ids",
  },
  huaweicloud_images_image_share_accepter: {
    kind: "acceptance",
    image: "image_id",
    fixedStatus: "accepted",
    vault: "vault_id",
  },
};

/** Every membership of the state, in the state's order; throws when none is there. */
export function membershipsOf(
  state: TerraformState,
  options: MembershipOptions = {},
): Membership[] {
  const found: Membership[] = [];
  for (const instance of state.instances) {
    const mapping = membershipTypes[instance.type];
    if (mapping) found.push(...read(instance, mapping, options).map(checkIds));
  }
  if (found.length === 0) throw noMemberships(state);
  refuseDuplicates(found);
  return found;
}

/** Two resources of one side managing one membership would fight over it in Pulumi too. */
function refuseDuplicates(memberships: Membership[]): void {
  const seen = new Map<string, Membership>();
  for (const m of memberships) {
    const key = `${m.kind} ${m.imageId}/${m.memberId}`;
    const earlier = seen.get(key);
    if (earlier) {
      throw new TerraformInputError(
        `the ${m.kind === "member" ? "membership" : "acceptance"} of project ${m.memberId} in image ${m.imageId} ` +
          `is managed twice, by ${earlier.source.address} and ${m.source.address}: remove one from Terraform first`,
      );
    }
    seen.set(key, m);
  }
}

function read(
  instance: TerraformInstance,
  mapping: Mapping,
  options: MembershipOptions,
): Membership[] {
  const attributes = instance.attributes;
  const text = (name: string | undefined): string | undefined => {
    const value = name === undefined ? undefined : attributes[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const imageId = text(mapping.image);
  if (!imageId) {
    throw new TerraformInputError(`${instance.address} has no ${mapping.image}`);
  }
  const common = {
    kind: mapping.kind,
    source: instance,
    imageId,
    ...optional("status", text(mapping.status) ?? mapping.fixedStatus),
    ...optional("region", text("region")),
    ...optional("vaultId", text(mapping.vault)),
    ...optional("createdAt", text(mapping.createdAt)),
    ...optional("updatedAt", (mapping.updatedAt ?? []).map(text).find(Boolean)),
    ...optional("schema", text(mapping.schema)),
  };
  if (mapping.members) {
    const ids = attributes[mapping.members];
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || id === "")) {
      throw new TerraformInputError(`${instance.address}: ${mapping.members} is not a list of ids`);
    }
    return [...new Set(ids as string[])].sort().map((memberId) => ({ ...common, memberId }));
  }
  const memberId = text(mapping.member) ?? (mapping.member ? undefined : options.acceptingProject);
  if (!memberId) {
    throw new TerraformInputError(
      mapping.member
        ? `${instance.address} has no ${mapping.member}`
        : `${instance.address} does not record which project accepted image ${imageId}: ` +
            `give it with --accepting-project <project id> (the project of the provider that applied it)`,
    );
  }
  return [{ ...common, memberId }];
}

/** Both ids go into the plugin's resource id `<imageId>/<memberId>`, so neither may hold a `/`. */
function checkIds(membership: Membership): Membership {
  for (const [what, id] of [
    ["image id", membership.imageId],
    ["member id", membership.memberId],
  ]) {
    if (id.includes("/") || /\s/.test(id)) {
      throw new TerraformInputError(
        `${membership.source.address}: ${what} ${JSON.stringify(id)} cannot be an OpenStack id (it holds "/" or white space)`,
      );
    }
  }
  return membership;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function noMemberships(state: TerraformState): TerraformInputError {
  const types = [...new Set(state.instances.map((i) => i.type))].sort();
  const held =
    types.length === 0
      ? "it manages no resources at all"
      : `it manages ${state.instances.length} resource instance(s) of other types (${abbreviate(types)})`;
  return new TerraformInputError(
    `no image memberships in this state: ${held}; looked for ${Object.keys(membershipTypes).join(", ")}`,
  );
}

function abbreviate(types: string[]): string {
  return types.length <= 5 ? types.join(", ") : `${types.slice(0, 5).join(", ")}, ...`;
}
