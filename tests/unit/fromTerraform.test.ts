/**
 * `pulumi-image-members from-terraform`: on the states OpenTofu recorded on the local cloud
 * (tests/unit/fixtures/terraform/, see tests/support/recordTerraformFixtures.ts), on the same
 * state as the Open Telekom Cloud and Huawei Cloud providers record it, and on every kind of
 * input it must refuse. The handover itself, under the real engine and OpenTofu, is
 * tests/e2e/fromTerraform.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import ts from "typescript";
import {
  fromTerraform,
  handoverFiles,
  stateRmCommands,
  TerraformInputError,
} from "../../provider/migrate";
import { memberRefOf } from "../../provider/core/memberRef";
import { projectRoot } from "../support/childProcess";

const MEMBER = "imagemembers:index:ImageMember";
const ACCEPTANCE = "imagemembers:index:ImageMemberAcceptance";
const fixtures = path.join(projectRoot, "tests/unit/fixtures/terraform");
const stateText = fs.readFileSync(path.join(fixtures, "handover.tfstate"), "utf8");
const showText = fs.readFileSync(path.join(fixtures, "handover.show.json"), "utf8");

type Attributes = Record<string, string>;
interface RecordedState {
  resources: {
    type: string;
    name: string;
    provider: string;
    instances: { index_key?: string | number; attributes: Attributes }[];
  }[];
}
const recorded = JSON.parse(stateText) as RecordedState;
const attributesOf = (type: string, name: string, index?: string | number) =>
  recorded.resources
    .find((r) => r.type === type && r.name === name)!
    .instances.find((i) => i.index_key === index)!.attributes;
const a0 = attributesOf("openstack_images_image_access_v2", "a", 0);
const a1 = attributesOf("openstack_images_image_access_v2", "a", 1);
const bOps = attributesOf("openstack_images_image_access_v2", "b", "ops");
const accepted = attributesOf("openstack_images_image_access_accept_v2", "a");
const imageA = a0.image_id;
const imageB = bOps.image_id;
const consumer1 = a0.member_id;
const consumer2 = a1.member_id;

interface ImportEntry {
  type: string;
  name: string;
  id: string;
  parent?: string;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}
const importOf = (files: Record<string, string>) =>
  (JSON.parse(files[handoverFiles.importFile]) as { resources: ImportEntry[] }).resources;

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-from-terraform-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe("a state OpenTofu recorded (count, for_each, an acceptance by provider alias consumer)", () => {
  const handover = fromTerraform(stateText, { origin: "terraform.tfstate" });
  const entries = importOf(handover.files);

  test("the import file: each membership under its Terraform name, with the plugin's id <imageId>/<memberId>", () => {
    expect(entries.map((e) => [e.type, e.name, e.id])).toEqual([
      [MEMBER, "a-0", `${imageA}/${consumer1}`],
      [MEMBER, "a-1", `${imageA}/${consumer2}`],
      [MEMBER, "b-ops", `${imageB}/${consumer1}`],
      [ACCEPTANCE, "a", `${imageA}/${consumer1}`],
    ]);
    // The plugin's read takes an imported id apart (provider/core/memberRef.ts).
    for (const e of entries) {
      expect(memberRefOf(e.id, {}, "ImageMember")).toEqual({
        imageId: e.inputs.imageId,
        memberId: e.inputs.memberId,
      });
    }
  });

  test("inputs as a program declares them, outputs as the state recorded Glance's answer", () => {
    const [first, , , acceptance] = entries;
    expect(first.inputs).toEqual({ imageId: imageA, memberId: consumer1, region: "RegionOne" });
    expect(first.outputs).toEqual({
      imageId: imageA,
      memberId: consumer1,
      region: "RegionOne",
      status: a0.status,
      createdAt: a0.created_at,
      updatedAt: a0.updated_at,
      schema: "/v2/schemas/member",
    });
    // pulumi import records no dependsOn: only a parent orders a destroy (children first), so
    // the acceptance is the child of the share it accepts. Deleted at the same time, Glance can
    // bring the member back: the reset's update clears the deleted flag of the member's row.
    expect(entries.map((e) => e.parent)).toEqual([undefined, undefined, undefined, "a-0"]);
    // The default provider's resources act as OS_CLOUD / OS_* say; the alias's name the cloud.
    expect(acceptance.inputs).toEqual({
      imageId: imageA,
      memberId: consumer1,
      status: "accepted",
      region: "RegionOne",
      cloud: "consumer",
    });
    expect(acceptance.outputs).toMatchObject({
      ...acceptance.inputs,
      createdAt: accepted.created_at,
      updatedAt: accepted.updated_at,
    });
  });

  test("the YAML program declares the same resources under the same names and inputs", () => {
    const program = yaml.load(handover.files[handoverFiles.yamlProgram]) as {
      runtime: string;
      plugins: { providers: { name: string; path: string }[] };
      resources: Record<
        string,
        {
          type: string;
          properties: Record<string, string>;
          options?: { parent: string; dependsOn: string[] };
        }
      >;
    };
    expect(program.runtime).toBe("yaml");
    expect(program.plugins.providers).toEqual([
      { name: "imagemembers", path: "./node_modules/pulumi-image-members/bin" },
    ]);
    expect(Object.keys(program.resources)).toEqual(entries.map((e) => e.name));
    for (const e of entries) {
      expect(program.resources[e.name].type).toBe(e.type);
      expect(program.resources[e.name].properties).toEqual(e.inputs);
    }
    // Reset before the share it accepts is removed, as Terraform's depends_on ordered them; the
    // parent the import file gives it too, or its URN would differ from the imported one.
    expect(program.resources.a.options).toEqual({ parent: "${a-0}", dependsOn: ["${a-0}"] });
    for (const e of entries.filter((e) => !e.parent)) {
      expect(program.resources[e.name].options).toBeUndefined();
    }
  });

  test("the state rm commands: one per address, quoted so that sh passes each address unchanged", () => {
    const commands = stateRmCommands(handover.memberships);
    const addresses = [
      "openstack_images_image_access_v2.a[0]",
      "openstack_images_image_access_v2.a[1]",
      'openstack_images_image_access_v2.b["ops"]',
      "openstack_images_image_access_accept_v2.a",
    ];
    expect(commands).toEqual([
      "tofu state rm 'openstack_images_image_access_v2.a[0]'",
      "tofu state rm 'openstack_images_image_access_v2.a[1]'",
      `tofu state rm 'openstack_images_image_access_v2.b["ops"]'`,
      "tofu state rm openstack_images_image_access_accept_v2.a",
    ]);
    // A file that globs like a[0] must not change what sh passes on.
    fs.writeFileSync(path.join(workDir, "openstack_images_image_access_v2.a0"), "");
    for (const [i, command] of commands.entries()) {
      const echoed = spawnSync(
        "sh",
        ["-c", `printf '%s\\n' ${command.slice("tofu state rm ".length)}`],
        {
          cwd: workDir,
          encoding: "utf8",
        },
      );
      expect(echoed.stdout).toBe(`${addresses[i]}\n`);
    }
    expect(handover.files[handoverFiles.stateRm]).toContain(commands.join("\n"));
    expect(stateRmCommands(handover.memberships, "terraform")[3]).toBe(
      "terraform state rm openstack_images_image_access_accept_v2.a",
    );
  });

  test("the TypeScript declarations type-check against the package (both shapes)", () => {
    const files = [handoverFiles.imageMembers, handoverFiles.imageMember].map((name) => {
      const file = path.join(workDir, name);
      fs.writeFileSync(file, handover.files[name]);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(projectRoot, "node_modules/@types")],
      baseUrl: projectRoot,
      paths: { "pulumi-image-members": [path.join(projectRoot, "provider/index.ts")] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
    const perImage = handover.files[handoverFiles.imageMembers];
    expect(perImage).toContain(
      `projects: {\n    "a-0": "${consumer1}",\n    "a-1": "${consumer2}",\n  },`,
    );
    expect(perImage).toContain(`adoptExisting: true`);
    expect(perImage).toContain(`cloud: "consumer"`);
  });

  test("tofu show -json gives the same memberships, without the provider alias it does not record", () => {
    const fromShow = fromTerraform(showText, { origin: "show.json" });
    const withoutCloud = entries.map((e) => {
      const { cloud, ...inputs } = e.inputs;
      const { cloud: outputCloud, ...outputs } = e.outputs;
      void cloud;
      void outputCloud;
      return { ...e, inputs, outputs };
    });
    expect(importOf(fromShow.files)).toEqual(withoutCloud);
    expect(fromShow.guide).toContain(`"show -json" does not record provider aliases`);
    expect(stateRmCommands(fromShow.memberships)).toEqual(stateRmCommands(handover.memberships));
  });
});

/** The recorded state with its resources renamed and their attributes edited. */
function rewritten(edit: (r: RecordedState["resources"][number]) => void): string {
  const copy = JSON.parse(stateText) as RecordedState;
  copy.resources.forEach(edit);
  return JSON.stringify(copy);
}

test('an empty attribute is no value: an empty region is left out, not written as ""', () => {
  const noRegion = rewritten((r) => {
    for (const i of r.instances) i.attributes.region = "";
  });
  const entries = importOf(fromTerraform(noRegion, { origin: "x" }).files);
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    expect(entry.inputs).not.toHaveProperty("region");
    expect(entry.outputs).not.toHaveProperty("region");
  }
});

test("Open Telekom Cloud's resources: the same, updated_at read from its update_at", () => {
  const otc = rewritten((r) => {
    r.type = r.type.replace(/^openstack_/, "opentelekomcloud_");
    r.provider = r.provider.replace(
      "terraform-provider-openstack/openstack",
      "opentelekomcloud/opentelekomcloud",
    );
    for (const i of r.instances) {
      delete i.attributes.region; // the OTC resources have no region argument
      if (r.type === "opentelekomcloud_images_image_access_v2") {
        i.attributes.update_at = i.attributes.updated_at;
        delete i.attributes.updated_at;
      }
    }
  });
  const entries = importOf(fromTerraform(otc, { origin: "otc.tfstate" }).files);
  expect(entries.map((e) => [e.type, e.name, e.id])).toEqual([
    [MEMBER, "a-0", `${imageA}/${consumer1}`],
    [MEMBER, "a-1", `${imageA}/${consumer2}`],
    [MEMBER, "b-ops", `${imageB}/${consumer1}`],
    [ACCEPTANCE, "a", `${imageA}/${consumer1}`],
  ]);
  expect(entries[0].outputs.updatedAt).toBe(a0.updated_at);
  expect(entries[0].inputs).toEqual({ imageId: imageA, memberId: consumer1 });
  expect(entries[3].inputs).toEqual({
    imageId: imageA,
    memberId: consumer1,
    status: "accepted",
    cloud: "consumer",
  });
});

describe("Huawei Cloud's resources", () => {
  const provider = `provider["registry.terraform.io/huaweicloud/huaweicloud"]`;
  const huawei = JSON.stringify({
    version: 4,
    terraform_version: "1.10.6",
    resources: [
      {
        mode: "managed",
        type: "huaweicloud_images_image_share",
        name: "share",
        provider,
        instances: [
          {
            attributes: {
              id: imageA,
              region: "cn-north-4",
              source_image_id: imageA,
              target_project_ids: [consumer2, consumer1],
            },
          },
        ],
      },
      {
        mode: "managed",
        type: "huaweicloud_images_image_share_accepter",
        name: "accept",
        provider: `${provider}.consumer`,
        instances: [
          {
            attributes: {
              id: "7a1b5e0c-0000-4000-8000-000000000000",
              image_id: imageA,
              region: "cn-north-4",
              vault_id: "",
            },
          },
        ],
      },
    ],
  });

  test.each([
    ["not a list", '"p-1"'],
    ["a list holding an empty id", '["p-1", ""]'],
    ["a list holding a number", '["p-1", 7]'],
  ])("target_project_ids %s: refused, naming the instance", (_, ids) => {
    const bad = huawei.replace(
      `"target_project_ids":["${consumer2}","${consumer1}"]`,
      `"target_project_ids":${ids}`,
    );
    expect(bad).not.toBe(huawei);
    expect(() => fromTerraform(bad, { origin: "hw.tfstate", acceptingProject: consumer1 })).toThrow(
      new TerraformInputError(
        "huaweicloud_images_image_share.share: target_project_ids is not a list of ids",
      ),
    );
  });

  test("the accepter's vault id, when it has one, is kept", () => {
    const withVault = huawei.replace('"vault_id":""', '"vault_id":"vault-1"');
    expect(withVault).not.toBe(huawei);
    const handover = fromTerraform(withVault, {
      origin: "hw.tfstate",
      acceptingProject: consumer1,
    });
    expect(importOf(handover.files)[2].inputs).toMatchObject({ vaultId: "vault-1" });
  });

  test("one share of many projects: one ImageMember each; the accepter's project must be given", () => {
    expect(() => fromTerraform(huawei, { origin: "hw.tfstate" })).toThrow(
      new TerraformInputError(
        `huaweicloud_images_image_share_accepter.accept does not record which project accepted image ${imageA}: ` +
          `give it with --accepting-project <project id> (the project of the provider that applied it)`,
      ),
    );
    const handover = fromTerraform(huawei, { origin: "hw.tfstate", acceptingProject: consumer1 });
    expect(importOf(handover.files).map((e) => [e.type, e.name, e.id, e.outputs])).toEqual([
      [
        MEMBER,
        `share-${consumer1}`,
        `${imageA}/${consumer1}`,
        { imageId: imageA, memberId: consumer1, region: "cn-north-4" },
      ],
      [
        MEMBER,
        `share-${consumer2}`,
        `${imageA}/${consumer2}`,
        { imageId: imageA, memberId: consumer2, region: "cn-north-4" },
      ],
      [
        ACCEPTANCE,
        "accept",
        `${imageA}/${consumer1}`,
        {
          imageId: imageA,
          memberId: consumer1,
          status: "accepted",
          region: "cn-north-4",
          cloud: "consumer",
        },
      ],
    ]);
    // The accepter is the child of the one membership of the share that it accepts.
    expect(importOf(handover.files).map((e) => e.parent)).toEqual([
      undefined,
      undefined,
      `share-${consumer1}`,
    ]);
    // One Terraform resource holds both memberships: removed from its state once.
    expect(stateRmCommands(handover.memberships)).toEqual([
      "tofu state rm huaweicloud_images_image_share.share",
      "tofu state rm huaweicloud_images_image_share_accepter.accept",
    ]);
  });
});

/** Input the command refuses, and the one line it says. */
/** The recorded state with attribute `name` of b["ops"] set to `value`, or removed (undefined). */
function withOpsAttribute(name: string, value: unknown): string {
  return rewritten((r) => {
    if (r.name !== "b") return;
    const attributes = r.instances[0].attributes as Record<string, unknown>;
    if (value === undefined) delete attributes[name];
    else attributes[name] = value;
  });
}

/** A state of resources of other types, one for each of `letters`, in that order. */
const otherTypesState = (letters: string[]) =>
  JSON.stringify({
    version: 4,
    terraform_version: "1.10.6",
    resources: letters.map((letter) => ({
      mode: "managed",
      type: `other_${letter}`,
      name: "x",
      provider: 'provider["registry.terraform.io/x/x"]',
      instances: [{ attributes: { id: letter } }],
    })),
  });

/** How a refusal for want of memberships ends: the types looked for. */
const lookedFor =
  "looked for " +
  "openstack_images_image_access_v2, openstack_images_image_access_accept_v2, " +
  "opentelekomcloud_images_image_access_v2, opentelekomcloud_images_image_access_accept_v2, " +
  "huaweicloud_images_image_share, huaweicloud_images_image_share_accepter";

const refused: [string, string, string][] = [
  [
    "not JSON",
    'resource "openstack_images_image_access_v2" "a" {}\n',
    'not a Terraform or OpenTofu state: it is not JSON; give terraform.tfstate or the output of "tofu show -json"',
  ],
  [
    "a JSON list",
    "[]",
    'not a Terraform or OpenTofu state: the JSON is not an object; give terraform.tfstate or the output of "tofu show -json"',
  ],
  [
    "some other JSON document",
    JSON.stringify({ steps: [], changeSummary: {} }),
    'not a Terraform or OpenTofu state: neither "version" and "resources" (terraform.tfstate) nor "format_version" ("tofu show -json") is there',
  ],
  [
    "an encrypted state",
    JSON.stringify({
      serial: 1,
      lineage: "x",
      meta: {},
      encrypted_data: "c2VjcmV0",
      encryption_version: "v0",
    }),
    'the state is encrypted (OpenTofu state encryption): give the output of "tofu show -json" instead, which OpenTofu decrypts',
  ],
  [
    "a plan",
    JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: [] }),
    'this is a plan, not a state: run "tofu show -json" without a plan file, or give terraform.tfstate',
  ],
  [
    "a state of Terraform 0.11 (format version 3)",
    JSON.stringify({ version: 3, terraform_version: "0.11.14", modules: [] }),
    "state format version 3 is not supported, only version 4 (written by Terraform before 0.12; any newer Terraform or OpenTofu upgrades it on its next apply)",
  ],
  [
    "a state format from the future",
    JSON.stringify({ version: 5, resources: [] }),
    "state format version 5 is not supported, only version 4",
  ],
  [
    "show -json of a format from the future",
    JSON.stringify({ format_version: "2.0", values: {} }),
    '"tofu show -json" format "2.0" is not supported, only 1.x',
  ],
  [
    "a state of other providers only",
    rewritten((r) => {
      r.type = r.type.replace("openstack_images_image_access", "openstack_compute_servergroup");
    }),
    "no image memberships in this state: it manages 4 resource instance(s) of other types " +
      "(openstack_compute_servergroup_accept_v2, openstack_compute_servergroup_v2); " +
      lookedFor,
  ],
  [
    "an empty state",
    JSON.stringify({ version: 4, terraform_version: "1.10.6", resources: [] }),
    "no image memberships in this state: it manages no resources at all; " + lookedFor,
  ],
  [
    "an instance without its image id",
    withOpsAttribute("image_id", undefined),
    'openstack_images_image_access_v2.b["ops"] has no image_id',
  ],
  [
    "an instance whose image id is empty",
    withOpsAttribute("image_id", ""),
    'openstack_images_image_access_v2.b["ops"] has no image_id',
  ],
  [
    "an instance whose image id is not a string",
    withOpsAttribute("image_id", 42),
    'openstack_images_image_access_v2.b["ops"] has no image_id',
  ],
  [
    "an instance without its member id",
    withOpsAttribute("member_id", undefined),
    'openstack_images_image_access_v2.b["ops"] has no member_id',
  ],
  [
    "one acceptance managed by two resources",
    (() => {
      const copy = JSON.parse(stateText) as RecordedState;
      const accept = copy.resources.find(
        (r) => r.type === "openstack_images_image_access_accept_v2",
      )!;
      copy.resources.push({ ...accept, name: "again" });
      return JSON.stringify(copy);
    })(),
    `the acceptance of project ${consumer1} in image ${imageA} is managed twice, by ` +
      `openstack_images_image_access_accept_v2.a and openstack_images_image_access_accept_v2.again: remove one from Terraform first`,
  ],
  [
    "a state of six other types: sorted, the first five named",
    otherTypesState(["f", "e", "d", "c", "b", "a"]),
    "no image memberships in this state: it manages 6 resource instance(s) of other types " +
      "(other_a, other_b, other_c, other_d, other_e, ...); " +
      lookedFor,
  ],
  [
    "a state of five other types: all named",
    otherTypesState(["e", "d", "c", "b", "a"]),
    "no image memberships in this state: it manages 5 resource instance(s) of other types " +
      "(other_a, other_b, other_c, other_d, other_e); " +
      lookedFor,
  ],
  // Both ids go into the import id <image>/<member>: a "/" or white space would make it
  // ambiguous (and no OpenStack id holds either).
  [
    "a member id holding a /",
    withOpsAttribute("member_id", `${consumer1}/extra`),
    `openstack_images_image_access_v2.b["ops"]: member id "${consumer1}/extra" cannot be an ` +
      `OpenStack id (it holds "/" or white space)`,
  ],
  [
    "an image id holding a space",
    withOpsAttribute("image_id", "4eb575f8 aa80"),
    `openstack_images_image_access_v2.b["ops"]: image id "4eb575f8 aa80" cannot be an ` +
      `OpenStack id (it holds "/" or white space)`,
  ],
  [
    "a member id holding a line break",
    withOpsAttribute("member_id", `${consumer1}\nevil`),
    `openstack_images_image_access_v2.b["ops"]: member id "${consumer1}\\nevil" cannot be an ` +
      `OpenStack id (it holds "/" or white space)`,
  ],
  [
    "one membership managed by two resources",
    withOpsAttribute("image_id", imageA),
    `the membership of project ${consumer1} in image ${imageA} is managed twice, by ` +
      `openstack_images_image_access_v2.a[0] and openstack_images_image_access_v2.b["ops"]: remove one from Terraform first`,
  ],
];

describe("input it refuses: one line, naming what is wrong", () => {
  test.each(refused)("%s", (_name, text, message) => {
    expect(() => fromTerraform(text, { origin: "x" })).toThrow(new TerraformInputError(message));
    expect(message).not.toContain("\n");
  });
});

describe("the command (dist/provider/cli.js)", () => {
  const cli = path.join(projectRoot, "dist/provider/cli.js");
  const run = (args: string[], input = "") =>
    spawnSync(process.execPath, [cli, ...args], { cwd: workDir, input, encoding: "utf8" });

  test("writes the five files into --out and prints the steps; exit 0", () => {
    const stateFile = path.join(workDir, "terraform.tfstate");
    fs.writeFileSync(stateFile, stateText);
    const result = run(["from-terraform", stateFile, "--out", "handover"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const expected = fromTerraform(stateText, {
      origin: "terraform.tfstate",
      outDir: "handover",
    });
    expect(result.stdout).toBe(expected.guide);
    expect(fs.readdirSync(path.join(workDir, "handover")).sort()).toEqual(
      Object.keys(expected.files).sort(),
    );
    for (const [name, content] of Object.entries(expected.files)) {
      expect(fs.readFileSync(path.join(workDir, "handover", name), "utf8")).toBe(content);
    }
    expect(result.stdout).toContain("tofu state rm 'openstack_images_image_access_v2.b[\"ops\"]'");
  });

  test.each(refused)(
    "refuses %s: exit 2, its one line on stderr, nothing written",
    (_n, text, message) => {
      const out = path.join(workDir, "refused");
      const result = run(["from-terraform", "-", "--out", out], text);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`from-terraform: ${message}\n`);
      expect(fs.existsSync(out)).toBe(false);
    },
  );

  test("usage errors: exit 2, one line naming the command's help", () => {
    for (const args of [
      ["from-terraform"],
      ["from-terraform", "a.tfstate", "b.tfstate"],
      ["from-terraform", "a.tfstate", "--tool", "terragrunt"],
      ["from-terraform", "a.tfstate", "--verbose"],
      ["from-terraform", path.join(workDir, "missing.tfstate")],
    ]) {
      const result = run(args);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^pulumi-image-members from-terraform: [^\n]+; see "pulumi-image-members from-terraform --help"\n$/,
      );
    }
  });
});
