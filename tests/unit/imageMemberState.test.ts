/**
 * The state one `ImageMember` keeps (issue 30): the engine rewrites the whole state after every
 * step, so each byte of a member is paid at every checkpoint of every later step. What the
 * provider returns (inputs from `check`, outputs from `create`, with the `__provider` the
 * engine's dynamic-provider process adds to both, and the hidden paths the resource asks for)
 * is placed in an entry shaped as `pulumi stack export` (CLI 3.274.1) printed one of a real
 * `pulumi up`, with the engine's own fields, and measured as the export prints it.
 * tests/e2e/stateSize.test.ts measures a real `pulumi up` of 20 members.
 */
import { configuredProvider, onFakeCloud } from "../support/providerHarness";
import { bytesPerEntry, ExportDocument, ExportedEntry, fieldBytes } from "../support/exportBytes";
import { requireText } from "../../provider/serialization/providerText";
import { imageMemberRecords } from "../../provider/resources/common/hiddenDiffs";
import type { ImageMemberOutputs } from "../../provider";

/**
 * The most one member may take in the export, with the engine's fields below (2,072 B when
 * written; as 0.2.0 recorded it, the first test prints). Issue 30's target, 1,600 B, is not
 * met: what is left, and whose it is, is in docs/performance.md.
 */
const entryCeiling = 2_100;
/** The most the provider's part (inputs, outputs, hidden paths) may take of it. */
const providerPartCeiling = 1_000;

const type = "pulumi-nodejs:dynamic/images:ImageMember";
const stack = "dev";
const project = "image-members";
const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;

/** The `__provider` of state written by 0.2.0 and before: the SDK's closure of the same require. */
const legacyProviderText =
  'exports.handler = __f0;\nconst provider = require("pulumi-image-members/serialized/imageMember");\n\nfunction __f0() {\n  return (function() {\n    with({ this: undefined, arguments: undefined }) {\n\nreturn () => provider;\n\n    }\n  }).apply(undefined, undefined).apply(this, arguments);\n}\n';

/** An entry as the engine records a member, around what the provider answered. */
function engineEntry(
  name: string,
  id: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
): ExportedEntry {
  const timestamp = "2026-12-07T13:00:40.140706226Z";
  const position = "project:///index.ts#7,3";
  return {
    urn: `urn:pulumi:${stack}::${project}::${type}::${name}`,
    custom: true,
    id,
    type,
    inputs,
    outputs,
    parent: stackUrn,
    provider: `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default::3be9a2ef-7781-4471-b06c-1e99fbeb7c86`,
    propertyDependencies: Object.fromEntries(Object.keys(inputs).map((key) => [key, []])),
    created: timestamp,
    modified: timestamp,
    sourcePosition: position,
    stackTrace: [{ sourcePosition: position }],
    hideDiff: [...imageMemberRecords],
  };
}

/** A stack export holding the stack, its default provider, and `members`. */
function exportOf(members: ExportedEntry[]): ExportDocument {
  return {
    version: 3,
    deployment: {
      manifest: {
        time: "2026-12-07T13:00:40.843963588Z",
        magic: "0".repeat(64),
        version: "v3.274.1",
      },
      resources: [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
        {
          urn: "urn:pulumi:dev::image-members::pulumi:providers:pulumi-nodejs::default",
          type: "pulumi:providers:pulumi-nodejs",
        },
        ...members,
      ],
    },
  };
}

const isMember = (entry: ExportedEntry) => entry.type === type;

describe("the state an ImageMember keeps", () => {
  const fake = onFakeCloud();

  /** One member made by the provider, as the engine records it. */
  async function recordedMember(name: string) {
    const image = fake.cloud.addImage("owner");
    const memberId = fake.cloud.project("consumer1").id;
    const provider = await configuredProvider(fake.cloud);
    const { inputs } = await provider.check({} as never, { imageId: image.id, memberId });
    const created = await provider.create(inputs!);
    // The dynamic-provider process adds the resource's __provider to both (resultIncludingProvider).
    const __provider = requireText("imageMember");
    return {
      provider,
      created,
      entry: engineEntry(
        name,
        created.id,
        { ...inputs, __provider },
        { ...created.outs, __provider },
      ),
    };
  }

  test(`one member takes at most ${entryCeiling} B of the export, the provider's part at most ${providerPartCeiling} B`, async () => {
    const { entry } = await recordedMember("member-7");
    const document = exportOf([entry]);
    const { bytesPerEntry: bytes } = bytesPerEntry(document, isMember);
    const fields = fieldBytes(document, isMember);
    const providerPart = fields.inputs + fields.outputs + fields.hideDiff;
    const legacy = exportOf([
      {
        ...entry,
        inputs: { ...(entry.inputs as object), __provider: legacyProviderText },
        outputs: {
          ...(entry.outputs as object),
          schema: "/v2/schemas/member",
          __provider: legacyProviderText,
        },
        hideDiff: ["createdAt", "updatedAt", "schema", "managingProjectId"],
      },
    ]);
    console.log(
      `one ImageMember in the export: ${bytes} B (as 0.2.0 recorded it: ${bytesPerEntry(legacy, isMember).bytesPerEntry} B), the provider's part ${providerPart} B; by field: ${JSON.stringify(fields)}`,
    );
    expect(Object.keys(entry.outputs as object).sort()).toEqual([
      "__provider",
      "createdAt",
      "imageId",
      "managingProjectId",
      "memberId",
      "status",
      "updatedAt",
    ]);
    expect(entry.hideDiff).toEqual(["createdAt", "updatedAt", "managingProjectId"]);
    expect(fields["inputs.__provider"]).toBeLessThan(120);
    expect(providerPart).toBeLessThanOrEqual(providerPartCeiling);
    expect(bytes).toBeLessThanOrEqual(entryCeiling);
  });

  test("state written by 0.2.0 (schema, the longer __provider) refreshes to the same outputs and diffs to no change", async () => {
    const { provider, created } = await recordedMember("member-8");
    const legacyOutputs: ImageMemberOutputs & { __provider: string } = {
      ...created.outs!,
      schema: "/v2/schemas/member",
      __provider: legacyProviderText,
    };
    const read = await provider.read(created.id, legacyOutputs);
    // The engine's process puts the recorded __provider back (resultIncludingProvider).
    expect({ ...read.props, __provider: legacyProviderText }).toEqual(legacyOutputs);
    expect(read.inputs).toEqual({
      imageId: created.outs!.imageId,
      memberId: created.outs!.memberId,
    });
    const news = { ...read.inputs!, __provider: requireText("imageMember") };
    expect(await provider.diff(created.id, legacyOutputs, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // A member recorded now gains nothing through a refresh.
    const fresh = await provider.read(created.id, created.outs!);
    expect(fresh.props).toEqual(created.outs);
    expect(fresh.props).not.toHaveProperty("schema");
  });
});
