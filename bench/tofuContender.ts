/**
 * The `tofu` contender: what most teams use today to share images as code, OpenTofu with
 * terraform-provider-openstack, both built from Go modules by scripts/tofu.sh (the CLI
 * configuration's dev_overrides make `tofu init` and any registry unnecessary). The
 * configuration declares `openstack_images_image_access_v2` with `count`, the owner's
 * credentials come as `OS_*` variables, parallelism stays at OpenTofu's default (10).
 *
 * The operations, as a user runs them: up `tofu apply` (plan, then create), no-op up the same
 * command with nothing to do (its plan reads every member back first, as OpenTofu refreshes
 * before planning by default), preview `tofu plan`, refresh `tofu apply -refresh-only`,
 * destroy `tofu destroy`.
 */
import { openstackProvider, tofuInstallation, TofuWorkspace } from "../tests/support/openTofu";
import { Cloud } from "./cloud";
import { timedCommand } from "./engine";
import { Contender, OpName, OpSample, StateFigures, round } from "./measure";

/** The configuration: `image_ids` × `per_image` memberships, members named as bench/program names them. */
const tofuConfiguration = `${openstackProvider}
provider "openstack" {}

variable "image_ids" { type = list(string) }
variable "per_image" { type = number }

resource "openstack_images_image_access_v2" "member" {
  count     = length(var.image_ids) * var.per_image
  image_id  = var.image_ids[floor(count.index / var.per_image)]
  member_id = format("bec4${"0".repeat(25)}%03d", count.index % var.per_image)
}
`;

/** `Apply complete! Resources: 10 added, 0 changed, 0 destroyed.` in the words of the Pulumi engine's summary. */
export function tofuChangesOf(stdout: string): Record<string, number> {
  const counts = [
    ...stdout.matchAll(/(\d+) (added|changed|destroyed|to add|to change|to destroy)\b/g),
  ];
  return Object.fromEntries(counts.map(([, n, word]) => [tofuWords[word], Number(n)]));
}
const tofuWords: Record<string, string> = {
  added: "created",
  changed: "updated",
  destroyed: "deleted",
  "to add": "to create",
  "to change": "to update",
  "to destroy": "to delete",
};

export class TofuContender implements Contender {
  readonly name = "tofu" as const;
  private tofu?: TofuWorkspace;
  private configured = "";
  /** Extra arguments of `apply`, `plan` and `destroy` (--engine-args, e.g. `-parallelism`). */
  operationArgs: string[] = [];

  constructor(readonly cloud: Cloud) {}

  /** OpenTofu's summary counts the member resources only. */
  changedResources(_images: number, total: number): number {
    return total;
  }

  async init(): Promise<void> {
    this.tofu = new TofuWorkspace(tofuInstallation("ensure"), this.cloud.ownerEnvironment());
    this.tofu.write("main.tf", tofuConfiguration);
    await this.configure([], 1);
  }

  async configure(imageIds: string[], perImage: number): Promise<void> {
    const key = JSON.stringify([imageIds, perImage]);
    if (key === this.configured) return;
    this.tofu!.write(
      "bench.auto.tfvars.json",
      JSON.stringify({ image_ids: imageIds, per_image: perImage }),
    );
    this.configured = key;
  }

  measure(op: OpName): Promise<OpSample> {
    const args: Record<OpName, string[]> = {
      up: ["apply", "-auto-approve"],
      noop: ["apply", "-auto-approve"],
      preview: ["plan"],
      refresh: ["apply", "-refresh-only", "-auto-approve"],
      destroy: ["destroy", "-auto-approve"],
    };
    const watch = {
      provider: /terraform-provider-openstack(\s|$)/,
      engine: /^\S*tofu (apply|plan|destroy)\s/,
    };
    const run = () => this.tofu!.run([...args[op], ...this.operationArgs]);
    return timedCommand(this.cloud, watch, run, tofuChangesOf);
  }

  /**
   * terraform.tfstate's bytes per member; one member is one instance of the counted resource
   * (as JSON with the file's two-space indentation), its attributes what the provider decides.
   */
  async state(total: number): Promise<StateFigures> {
    const text = this.tofu!.read("terraform.tfstate");
    const state = JSON.parse(text) as {
      resources?: { type: string; instances?: { attributes?: unknown }[] }[];
    };
    const instances = (state.resources ?? [])
      .filter((r) => r.type === "openstack_images_image_access_v2")
      .flatMap((r) => r.instances ?? []);
    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value, null, 2));
    const mean = (f: (i: (typeof instances)[number]) => number) =>
      round(instances.reduce((sum, i) => sum + f(i), 0) / Math.max(instances.length, 1), 1);
    const memberResourceBytes = mean(bytes);
    const providerControlledBytes = mean((i) => bytes({ attributes: i.attributes }));
    return {
      exportBytes: Buffer.byteLength(text),
      members: instances.length,
      resources: instances.length,
      bytesPerMember: round(Buffer.byteLength(text) / Math.max(total, 1), 1),
      memberResourceBytes,
      providerBytes: 0,
      providerCopiesPerMember: 0,
      distinctProviderTexts: 0,
      providerControlledBytes,
      engineRecordedBytes: round(memberResourceBytes - providerControlledBytes, 1),
    };
  }

  async abandon(): Promise<void> {
    await this.tofu
      ?.run(["destroy", "-auto-approve"], { allowFailure: true })
      .catch(() => undefined);
  }

  cleanUp(): void {
    this.tofu?.cleanUp();
  }
}
