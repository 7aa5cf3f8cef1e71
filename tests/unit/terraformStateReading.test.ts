/**
 * Reading a Terraform or OpenTofu state, on the shapes the recorded fixtures of
 * fromTerraform.test.ts do not have: modules, data sources, deposed objects, resources without
 * instances, `show -json` child modules, and documents that are no state at all.
 */
import { readTerraformState, TerraformInputError } from "../../provider/migrate/terraformState";

const provider = 'provider["registry.opentofu.org/terraform-provider-openstack/openstack"]';
const access = "openstack_images_image_access_v2";

function refusal(document: unknown): string {
  const text = typeof document === "string" ? document : JSON.stringify(document);
  try {
    readTerraformState(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraformInputError);
    return (error as Error).message;
  }
  throw new Error("the document was read as a state");
}

describe("a state file (format version 4)", () => {
  test("managed instances only, each with its address, module, index and provider alias", () => {
    const state = readTerraformState(
      JSON.stringify({
        version: 4,
        terraform_version: "1.10.6",
        resources: [
          null,
          { mode: "data", type: access, name: "lookup", provider, instances: [{ attributes: {} }] },
          { mode: "managed", type: access, name: "none", provider },
          {
            mode: "managed",
            module: 'module.team["ops"]',
            type: access,
            name: "share",
            provider: `module.team.${provider}.consumer`,
            instances: [
              { index_key: 0, attributes: { member_id: "p0" } },
              { index_key: 1, deposed: "00000001", attributes: { member_id: "old" } },
              null,
              { index_key: "ops", attributes: { member_id: "p1" } },
            ],
          },
          { mode: "managed", type: access, name: "plain", provider, instances: [{}] },
        ],
      }),
    );
    expect(state).toEqual({
      format: "state",
      toolVersion: "1.10.6",
      instances: [
        {
          address: `module.team["ops"].${access}.share[0]`,
          type: access,
          name: "share",
          module: 'module.team["ops"]',
          indexKey: 0,
          providerAlias: "consumer",
          attributes: { member_id: "p0" },
        },
        {
          address: `module.team["ops"].${access}.share["ops"]`,
          type: access,
          name: "share",
          module: 'module.team["ops"]',
          indexKey: "ops",
          providerAlias: "consumer",
          attributes: { member_id: "p1" },
        },
        { address: `${access}.plain`, type: access, name: "plain", attributes: {} },
      ],
    });
  });

  test("without a recorded tool version, none is claimed", () => {
    expect(readTerraformState(JSON.stringify({ version: 4, resources: [] }))).toEqual({
      format: "state",
      instances: [],
    });
  });

  test("another format version is refused; only a number below 4 is blamed on an old Terraform", () => {
    expect(refusal({ version: 3, modules: [] })).toBe(
      "state format version 3 is not supported, only version 4 (written by Terraform before 0.12; " +
        "any newer Terraform or OpenTofu upgrades it on its next apply)",
    );
    expect(refusal({ version: 5, resources: [] })).toBe(
      "state format version 5 is not supported, only version 4",
    );
    expect(refusal({ version: null, resources: [] })).toBe(
      "state format version null is not supported, only version 4",
    );
  });

  test('"resources" that is not a list is refused', () => {
    expect(refusal({ version: 4, modules: [] })).toBe(
      'not a Terraform or OpenTofu state: "resources" is not a list',
    );
  });
});

describe("the output of tofu show -json (format 1.x)", () => {
  test("the root module's and every child module's managed resources, with their addresses", () => {
    const state = readTerraformState(
      JSON.stringify({
        format_version: "1.0",
        terraform_version: "1.9.0",
        values: {
          root_module: {
            resources: [
              null,
              { mode: "data", type: access, name: "lookup", values: {} },
              {
                mode: "managed",
                address: `${access}.a[0]`,
                type: access,
                name: "a",
                index: 0,
                values: { member_id: "p0" },
              },
            ],
            child_modules: [
              null,
              {
                address: "module.team",
                resources: [
                  {
                    mode: "managed",
                    type: access,
                    name: "b",
                    index: "ops",
                    values: { member_id: "p1" },
                  },
                  { mode: "managed", type: access, name: "c" },
                ],
                child_modules: [
                  {
                    address: "module.team.module.inner",
                    resources: [
                      { mode: "managed", type: access, name: "d", values: { member_id: "p2" } },
                    ],
                  },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(state).toEqual({
      format: "show-json",
      toolVersion: "1.9.0",
      instances: [
        {
          address: `${access}.a[0]`,
          type: access,
          name: "a",
          indexKey: 0,
          attributes: { member_id: "p0" },
        },
        {
          address: `module.team.${access}.b["ops"]`,
          type: access,
          name: "b",
          module: "module.team",
          indexKey: "ops",
          attributes: { member_id: "p1" },
        },
        {
          address: `module.team.${access}.c`,
          type: access,
          name: "c",
          module: "module.team",
          attributes: {},
        },
        {
          address: `module.team.module.inner.${access}.d`,
          type: access,
          name: "d",
          module: "module.team.module.inner",
          attributes: { member_id: "p2" },
        },
      ],
    });
  });

  test("an empty one has no instances and claims no tool version it does not give", () => {
    expect(readTerraformState(JSON.stringify({ format_version: "1.2" }))).toEqual({
      format: "show-json",
      instances: [],
    });
  });

  test("a format other than 1.x is refused", () => {
    expect(refusal({ format_version: "2.1.0" })).toBe(
      '"tofu show -json" format "2.1.0" is not supported, only 1.x',
    );
  });
});

describe("a hand-edited state", () => {
  test("a value of the wrong type is read as if it were not there", () => {
    const attributes = { member_id: "p0" };
    expect(
      readTerraformState(
        JSON.stringify({
          version: 4,
          terraform_version: 1,
          resources: [
            {
              mode: "managed",
              module: 5,
              type: access,
              name: "share",
              provider: 7,
              instances: [{ index_key: null, attributes }],
            },
          ],
        }),
      ),
    ).toEqual({
      format: "state",
      instances: [{ address: `${access}.share`, type: access, name: "share", attributes }],
    });
    expect(
      readTerraformState(
        JSON.stringify({
          format_version: "1.0",
          terraform_version: false,
          values: {
            root_module: {
              child_modules: [
                {
                  address: 3,
                  resources: [
                    { mode: "managed", type: access, name: "s", index: true, values: attributes },
                  ],
                },
              ],
            },
          },
        }),
      ),
    ).toEqual({
      format: "show-json",
      instances: [{ address: `${access}.s`, type: access, name: "s", attributes }],
    });
  });
});

describe("documents that are no state", () => {
  test("JSON that is not an object", () => {
    for (const text of ["null", "[]", "[1]", "4", '"state"']) {
      expect(refusal(text)).toBe(
        'not a Terraform or OpenTofu state: the JSON is not an object; give terraform.tfstate or the output of "tofu show -json"',
      );
    }
  });

  test("a plan, whichever of its parts it has", () => {
    const plan =
      'this is a plan, not a state: run "tofu show -json" without a plan file, or give terraform.tfstate';
    expect(refusal({ format_version: "1.2", planned_values: {} })).toBe(plan);
    expect(refusal({ format_version: "1.2", resource_changes: [] })).toBe(plan);
  });

  test("an object with a version but no resources, or resources but no version", () => {
    const neither =
      'not a Terraform or OpenTofu state: neither "version" and "resources" (terraform.tfstate) ' +
      'nor "format_version" ("tofu show -json") is there';
    expect(refusal({ version: 4 })).toBe(neither);
    expect(refusal({ resources: [] })).toBe(neither);
  });
});
