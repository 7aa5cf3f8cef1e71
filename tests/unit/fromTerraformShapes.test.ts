/**
 * `from-terraform` on states shaped unlike the recorded fixtures of fromTerraform.test.ts: names
 * that collide, modules and for_each keys of every kind, one image over regions or credentials,
 * acceptances without their share, and what the guide says for each.
 */
import * as yaml from "js-yaml";
import { fromTerraform, handoverFiles, stateRmCommands } from "../../provider/migrate";

const access = "openstack_images_image_access_v2";
const accept = "openstack_images_image_access_accept_v2";
const otcAccess = "opentelekomcloud_images_image_access_v2";
const provider = 'provider["registry.opentofu.org/terraform-provider-openstack/openstack"]';
const image1 = "11111111-aaaa-4bbb-8ccc-000000000001";
const [image2, image3, image4] = [2, 3, 4].map((n) => `22222222-aaaa-4bbb-8ccc-00000000000${n}`);
const [p1, p2, p3, p4] = [1, 2, 3, 4].map((n) => `0123456789abcdef0123456789abcde${n}`);

interface Resource {
  type: string;
  name: string;
  module?: string;
  alias?: string;
  instances: { index_key?: string | number; attributes: Record<string, string | string[]> }[];
}

function stateOf(resources: Resource[], terraformVersion?: string): string {
  return JSON.stringify({
    version: 4,
    ...(terraformVersion ? { terraform_version: terraformVersion } : {}),
    resources: resources.map(({ alias, ...r }) => ({
      mode: "managed",
      ...r,
      provider: alias ? `${provider}.${alias}` : provider,
    })),
  });
}

const share = (imageId: string, memberId: string, extra: Record<string, string> = {}) => ({
  attributes: { image_id: imageId, member_id: memberId, ...extra },
});

interface ImportEntry {
  name: string;
  parent?: string;
  inputs: Record<string, string>;
}
const importOf = (files: Record<string, string>) =>
  (JSON.parse(files[handoverFiles.importFile]) as { resources: ImportEntry[] }).resources;
const namesOf = (text: string) =>
  fromTerraform(text, { origin: "x" }).memberships.map((m) => m.name);

describe("resource names", () => {
  test("a module path and a for_each key become plain name parts", () => {
    const text = stateOf([
      {
        type: access,
        name: "share",
        module: 'module.team["ops"].module.inner',
        instances: [
          { index_key: "a - b", ...share(image1, p1) },
          { index_key: "(ops)", ...share(image1, p2) },
          { index_key: "@", ...share(image2, p1) },
        ],
      },
    ]);
    expect(namesOf(text)).toEqual([
      "team-ops-inner-share-a-b",
      "team-ops-inner-share-ops",
      "team-ops-inner-share",
    ]);
  });

  test("two resources of one name: the owner's keeps it, an acceptance adds -accept, any further one a number", () => {
    const text = stateOf([
      { type: accept, name: "x", instances: [share(image1, p1, { status: "accepted" })] },
      { type: access, name: "x", instances: [share(image1, p1)] },
      { type: otcAccess, name: "x", instances: [share(image2, p1)] },
      {
        type: "opentelekomcloud_images_image_access_accept_v2",
        name: "x",
        instances: [share(image3, p1)],
      },
      {
        type: "huaweicloud_images_image_share",
        name: "x",
        instances: [{ attributes: { source_image_id: image4, target_project_ids: [p2] } }],
      },
    ]);
    expect(namesOf(text)).toEqual(["x", "x-2", "x-3", "x-accept", "x-4"]);
  });
});

describe("the acceptance's share", () => {
  test("only the share of the same image and the same member project is its parent", () => {
    const text = stateOf([
      { type: access, name: "other_member", instances: [share(image1, p2)] },
      { type: access, name: "other_image", instances: [share(image2, p1)] },
      { type: accept, name: "alone", instances: [share(image1, p1, { status: "accepted" })] },
    ]);
    const handover = fromTerraform(text, { origin: "x" });
    const alone = importOf(handover.files).find((e) => e.name === "alone")!;
    expect(alone.parent).toBeUndefined();
    const program = yaml.load(handover.files[handoverFiles.yamlProgram]) as {
      resources: Record<string, { options?: unknown }>;
    };
    expect(program.resources.alone.options).toBeUndefined();
    for (const file of [handoverFiles.imageMembers, handoverFiles.imageMember]) {
      expect(handover.files[file]).not.toContain("dependsOn");
      expect(handover.files[file]).toContain(
        `new ImageMemberAcceptance("alone", {\n  imageId: "${image1}",\n  memberId: "${p1}",\n  status: "accepted",\n});`,
      );
    }
  });
});

describe("the TypeScript program of one ImageMembers per image", () => {
  const declarations = (text: string) =>
    fromTerraform(text, { origin: "x" }).files[handoverFiles.imageMembers];

  test("one image in two regions, or under two provider aliases, is one ImageMembers each", () => {
    const text = stateOf([
      {
        type: access,
        name: "share",
        instances: [
          { index_key: 0, ...share(image1, p1, { region: "RegionOne" }) },
          { index_key: 1, ...share(image1, p2, { region: "RegionTwo" }) },
        ],
      },
      { type: access, name: "by_alias", alias: "second", instances: [share(image1, p3)] },
      { type: access, name: "by_default", instances: [share(image1, p4)] },
    ]);
    const program = declarations(text);
    expect(program.match(/new ImageMembers\(/g)).toHaveLength(4);
    expect(program).toContain(
      `const image3 = new ImageMembers("by_alias", {\n  imageId: "${image1}",\n  projects: {\n    "by_alias": "${p3}",\n  },\n` +
        `  cloud: "second", // credentials of provider alias "second"\n  adoptExisting: true,\n});`,
    );
    // Without a region, none is declared.
    expect(program).toContain(
      `const image4 = new ImageMembers("by_default", {\n  imageId: "${image1}",\n  projects: {\n    "by_default": "${p4}",\n  },\n  adoptExisting: true,\n});`,
    );
  });

  test("named after the Terraform resource when one made the whole group, else image-members", () => {
    const text = stateOf([
      { type: access, name: "share", module: "module.a", instances: [share(image1, p1)] },
      { type: access, name: "share", module: "module.b", instances: [share(image1, p2)] },
      { type: access, name: "one", instances: [share(image2, p1)] },
      { type: access, name: "first", instances: [share(image3, p1)] },
      { type: access, name: "second", instances: [share(image3, p2)] },
    ]);
    const names = [...declarations(text).matchAll(/new ImageMembers\("([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(["image-members", "one", "image-members-22222222"]);
  });

  test("a name taken by another image gets the image's first characters, then a number", () => {
    const text = stateOf([
      {
        type: access,
        name: "share",
        instances: [
          { index_key: "a", ...share(image1, p1) },
          { index_key: "b", ...share(image2, p1) },
          { index_key: "c", ...share(image3, p1) },
          { index_key: "d", ...share(image4, p1) },
        ],
      },
    ]);
    const names = [...declarations(text).matchAll(/new ImageMembers\("([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(["share", "share-22222222", "share-22222222-2", "share-22222222-3"]);
  });
});

describe("the YAML program", () => {
  test("a value YAML would read otherwise is quoted: it reads back unchanged", () => {
    const regions = ["RegionOne #2", "a: b", "Region-1"];
    const text = stateOf([
      {
        type: access,
        name: "share",
        instances: regions.map((region, index) => ({
          index_key: index,
          ...share(image1, [p1, p2, p3][index], { region }),
        })),
      },
    ]);
    const program = yaml.load(
      fromTerraform(text, { origin: "x" }).files[handoverFiles.yamlProgram],
    ) as {
      resources: Record<string, { properties: { region: string } }>;
    };
    expect(Object.values(program.resources).map((r) => r.properties.region)).toEqual(regions);
  });
});

describe("the guide", () => {
  const guideOf = (text: string, outDir?: string) =>
    fromTerraform(text, { origin: "state.json", ...(outDir ? { outDir } : {}) }).guide;
  const showJson = (resources: { type: string; name: string; values: Record<string, string> }[]) =>
    JSON.stringify({
      format_version: "1.0",
      values: { root_module: { resources: resources.map((r) => ({ mode: "managed", ...r })) } },
    });
  const aliasNote = 'Credentials: "show -json" does not record provider aliases.';

  test("without a tool version or an output folder it claims neither", () => {
    const guide = guideOf(stateOf([{ type: access, name: "s", instances: [share(image1, p1)] }]));
    expect(guide.split("\n").slice(0, 3)).toEqual([
      "state.json: 1 membership(s) and 0 acceptance(s) in 1 Terraform resource instance(s).",
      "",
      "Files:",
    ]);
  });

  test("every provider alias is named, and show -json's acceptances are told to name their cloud", () => {
    const aliased = guideOf(
      stateOf([
        { type: access, name: "a", alias: "owner_two", instances: [share(image1, p1)] },
        { type: accept, name: "b", alias: "consumer", instances: [share(image1, p1)] },
      ]),
    );
    expect(aliased).toContain(
      'Credentials: resources of provider alias "owner_two", "consumer" name it as\n',
    );
    expect(aliased).not.toContain(aliasNote);

    const fromShow = guideOf(
      showJson([
        { type: access, name: "a", values: { image_id: image1, member_id: p1 } },
        {
          type: accept,
          name: "b",
          values: { image_id: image1, member_id: p1, status: "accepted" },
        },
      ]),
    );
    expect(fromShow).toContain(
      `\n\n${aliasNote} Each acceptance must act as its\n` +
        "member project: add cloud: <clouds.yaml entry> where the owner's credentials are the default.\n",
    );
    // Without acceptances, or from a state file (which records aliases), there is nothing to say.
    expect(
      guideOf(showJson([{ type: access, name: "a", values: { image_id: image1, member_id: p1 } }])),
    ).not.toContain("Credentials:");
    expect(
      guideOf(stateOf([{ type: accept, name: "b", instances: [share(image1, p1)] }])),
    ).not.toContain("Credentials:");
  });

  test("state rm quotes any address with more than letters, digits, _ . -, a single quote too", () => {
    const handover = fromTerraform(
      stateOf([
        {
          type: access,
          name: "s",
          module: 'module.m["k"]',
          instances: [{ index_key: "it's", ...share(image1, p1) }],
        },
        { type: access, name: "t", module: 'module.m["k"]', instances: [share(image2, p1)] },
      ]),
      { origin: "x" },
    );
    expect(stateRmCommands(handover.memberships)).toEqual([
      `tofu state rm 'module.m["k"].${access}.s["it'\\''s"]'`,
      // Brackets in the middle: sh would drop the quotes of "k" unquoted.
      `tofu state rm 'module.m["k"].${access}.t'`,
    ]);
  });
});
