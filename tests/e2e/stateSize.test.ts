/**
 * What one `ImageMember` keeps in state (issue 30), under the real engine against the real
 * Keystone + Glance: a `pulumi up` of 20 members of the installed package
 * (tests/e2e/programs/many-members), measured in `pulumi stack export` as the file backend
 * writes it after every step. Then the same state as 0.2.0 wrote it (the SDK's longer
 * `__provider`, Glance's `schema` path in the outputs and in `hideDiff`), imported: drift
 * detection, a refresh and a preview find nothing to change, and a destroy removes every member.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import {
  bytesPerEntry,
  ExportDocument,
  ExportedEntry,
  exportTextBytes,
  fieldBytes,
} from "../support/exportBytes";
import { PulumiProject } from "../support/pulumiEngine";
import {
  GlanceDriver,
  identityPasswords,
  loadCloudFile,
  osEnvironmentOf,
  secretsShownIn,
} from "../support/realCloud";
import { requireText } from "../../provider/serialization/providerText";

jest.setTimeout(600_000);

const programDir = path.join(projectRoot, "tests/e2e/programs/many-members");
const members = 20;
const type = "pulumi-nodejs:dynamic/images:ImageMember";
const isMember = (entry: ExportedEntry) => entry.type === type;

/**
 * The most one member may take in the export: 2,147 B when written, 2,671 B for the same
 * members as 0.2.0 recorded them (the test prints both). The engine's fields grow with the
 * project, stack and resource names (this project's name is in four of them). Issue 30's
 * target, 1,600 B, is not met; what is left, and whose it is, is in docs/performance.md.
 */
const entryCeiling = 2_200;
/** The most the provider's part (inputs, outputs, hidden paths) may take of it: 986 B when written. */
const providerPartCeiling = 1_000;

/** What 0.2.0 recorded as `__provider`: the SDK's closure serialization of the same require. */
const legacyProviderText =
  'exports.handler = __f0;\nconst provider = require("pulumi-image-members/serialized/imageMember");\n\nfunction __f0() {\n  return (function() {\n    with({ this: undefined, arguments: undefined }) {\n\nreturn () => provider;\n\n    }\n  }).apply(undefined, undefined).apply(this, arguments);\n}\n';

/** The export with every member as 0.2.0 recorded it. */
function asRecordedBy020(document: ExportDocument): ExportDocument {
  const resources = (document.deployment.resources ?? []).map((entry) => {
    if (!isMember(entry)) return entry;
    const inputs = entry.inputs as Record<string, unknown>;
    const outputs = entry.outputs as Record<string, unknown>;
    return {
      ...entry,
      inputs: { ...inputs, __provider: legacyProviderText },
      outputs: { ...outputs, schema: "/v2/schemas/member", __provider: legacyProviderText },
      hideDiff: ["createdAt", "updatedAt", "schema", "managingProjectId"],
    };
  });
  return { ...document, deployment: { ...document.deployment, resources } };
}

const cloud = loadCloudFile();
const owner = new GlanceDriver(cloud, cloud.identities.owner);
let project: PulumiProject;
let imageId: string;

beforeAll(async () => {
  imageId = await owner.createImage("shared", `pim-state-size-${process.pid}`);
  project = new PulumiProject(programDir, "state-size");
  project.env = osEnvironmentOf(cloud.identities.owner);
  await project.init({ imageId, members: String(members) });
});

afterAll(async () => {
  await project?.destroy({ allowFailure: true });
  await owner.cleanUp();
  project?.cleanUp();
});

test(`${members} ImageMembers: each at most ${entryCeiling} B of the stack export, ${providerPartCeiling} B of it the provider's`, async () => {
  await project.up();
  expect((await owner.memberIds(imageId)).length).toBe(members);
  const { text } = await project.exportState();
  const document = JSON.parse(text) as ExportDocument;
  // What the measure assumes: the export is the deployment printed with four-space indents.
  expect(exportTextBytes(document)).toBe(Buffer.byteLength(text));

  const { count, bytesPerEntry: bytes } = bytesPerEntry(document, isMember);
  const fields = fieldBytes(document, isMember);
  const asBefore = bytesPerEntry(asRecordedBy020(document), isMember).bytesPerEntry;
  const providerPart = fields.inputs + fields.outputs + fields.hideDiff;
  console.log(
    `${count} ImageMembers: ${Math.round(bytes)} B each in the export (as 0.2.0 recorded them: ` +
      `${Math.round(asBefore)} B), the provider's part ${Math.round(providerPart)} B, ` +
      `${Math.round(Buffer.byteLength(text) / count)} B per member with the rest of the export; ` +
      `by field: ${JSON.stringify(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Math.round(v)])))}`,
  );
  expect(count).toBe(members);
  const entries = (document.deployment.resources ?? []).filter(isMember);
  for (const entry of entries) {
    // The installed package's one-line provider, in inputs and outputs; no schema path.
    expect((entry.inputs as Record<string, unknown>).__provider).toBe(requireText("imageMember"));
    expect((entry.outputs as Record<string, unknown>).__provider).toBe(requireText("imageMember"));
    expect(entry.outputs).not.toHaveProperty("schema");
  }
  expect(secretsShownIn(text, identityPasswords(cloud))).toEqual([]);
  expect(providerPart).toBeLessThanOrEqual(providerPartCeiling);
  expect(bytes).toBeLessThanOrEqual(entryCeiling);
});

test("state as 0.2.0 wrote it: no drift, no change, and destroy removes every member", async () => {
  const { text } = await project.exportState();
  const legacy = asRecordedBy020(JSON.parse(text) as ExportDocument);
  await project.importState(JSON.stringify(legacy));
  const stackArgs = ["--stack", project.stack, "--config-file", project.configFile];

  // The scheduled drift check of docs/gitops.md: refresh, then nothing to do.
  const drift = await project.run(
    ["preview", "--refresh", "--expect-no-changes", "--diff", ...stackArgs],
    { allowFailure: true },
  );
  expect(drift.stdout + drift.stderr).not.toMatch(/no changes were expected/);
  expect(drift.code).toBe(0);

  // `pulumi refresh --expect-no-changes` counts a member as changed when the provider's diff
  // says so, or, with the legacy refresh diff (older CLIs, or this variable), when its outputs
  // differ at all: both ways nothing changed.
  const legacyRefreshDiff: Record<string, string> = { PULUMI_ENABLE_LEGACY_REFRESH_DIFF: "true" };
  for (const env of [legacyRefreshDiff, {}]) {
    const refreshed = await project.run(
      ["refresh", "--yes", "--skip-preview", "--expect-no-changes", ...stackArgs],
      { allowFailure: true, env },
    );
    expect(refreshed.stdout).not.toMatch(/\d+ (updated|deleted)/);
    expect(refreshed.code).toBe(0);
  }
  const after = JSON.parse((await project.exportState()).text) as ExportDocument;
  const byUrn = new Map((legacy.deployment.resources ?? []).map((entry) => [entry.urn, entry]));
  for (const entry of (after.deployment.resources ?? []).filter(isMember)) {
    // The refresh kept what 0.2.0 recorded: the same outputs, schema and __provider included.
    expect(entry.outputs).toEqual(byUrn.get(entry.urn as string)!.outputs);
  }

  const preview = await project.preview();
  expect(preview.stdout).not.toMatch(/to (create|update|delete|replace)/);
  expect(preview.stdout).toMatch(new RegExp(`${members + 1} unchanged`));

  // The delete loads the provider from the recorded outputs: 0.2.0's text.
  await project.destroy();
  expect(await owner.memberIds(imageId)).toEqual([]);
});
