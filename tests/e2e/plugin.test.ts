/**
 * The provider plugin `imagemembers` under the real engine, against the real Keystone + Glance:
 *
 * - examples/yaml (`runtime: yaml`, the plugin found through `plugins.providers` in
 *   Pulumi.yaml): bad input, up, no-op up, preview --diff of a change, refresh after drift,
 *   destroy, asserting on Glance (each consumer reads its membership with its own token) and
 *   on the requests a counting proxy in front of Keystone and Glance saw;
 * - `pulumi import` of memberships made by hand, one by one and from a file, then a no-op up;
 * - the state per member of the plugin's ImageMember beside the dynamic ImageMember's (the
 *   root quickstart, TypeScript, the package installed), and the same bad-input message.
 *
 * The plugin takes no stack config: the owner's credentials come from OS_CLOUD (a clouds.yaml
 * written for the test), the consumers' from the acceptances' `cloud` inputs.
 */
import * as fs from "fs";
import * as path from "path";
import { throughKeystone, writeCloudsYaml } from "../support/cloudsYaml";
import { projectRoot } from "../support/childProcess";
import { initAs, underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";
import { GlanceDriver } from "../support/realCloud";

const MEMBER = "imagemembers:index:ImageMember";
const ACCEPTANCE = "imagemembers:index:ImageMemberAcceptance";
const DYNAMIC_MEMBER = "pulumi-nodejs:dynamic/images:ImageMember";

type StateResource = NonNullable<
  Awaited<ReturnType<PulumiProject["exportState"]>>["deployment"]["resources"]
>[number];

/** A resource's bytes in `pulumi stack export` (indented as it prints), and their parts. */
function stateBytes(resource: StateResource) {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value, null, 4));
  const { sourcePosition, stackTrace, ...rest } = resource as StateResource & {
    sourcePosition?: unknown;
    stackTrace?: unknown;
  };
  void sourcePosition;
  void stackTrace;
  return {
    entry: bytes(resource),
    /** Without the program's source position and stack trace the engine records. */
    withoutStackTrace: bytes(rest),
    /** What the provider returns and is given: inputs and outputs. */
    inputsAndOutputs: bytes({ inputs: resource.inputs, outputs: resource.outputs }),
  };
}

/** The text of a check failure as the engine prints it, from "property" to the line's end. */
function problemOf(output: string, property: string): string {
  const line = output.split("\n").find((l) => l.includes(`property ${property} value`));
  if (!line) throw new Error(`no check failure for ${property} in:\n${output}`);
  return line.slice(line.indexOf(`property ${property} value`)).trim();
}

/** Set by the tests below, compared by the last one. */
const figures: {
  pluginMember?: ReturnType<typeof stateBytes>;
  dynamicMember?: ReturnType<typeof stateBytes>;
  pluginProblem?: string;
  dynamicProblem?: string;
} = {};

const real = underTheEngine({ proxies: true });

/** clouds.yaml for every identity, authenticating through the counting Keystone proxy. */
function proxiedCloudsYaml(dir: string): (name: string) => Record<string, string> {
  return writeCloudsYaml(throughKeystone(real.cloud, real.keystone.url), dir);
}

function authentications(): number {
  return real.keystone.count("POST", /\/v3\/auth\/tokens$/);
}

describe("examples/yaml: a YAML program shares an image with two projects and accepts both", () => {
  let project: PulumiProject;
  let imageId: string;
  let c1: GlanceDriver;
  let c2: GlanceDriver;
  const ops = () => real.cloud.identities.consumer1.projectId;
  const ci = () => real.cloud.identities.consumer2.projectId;

  beforeAll(async () => {
    c1 = new GlanceDriver(real.cloud, real.cloud.identities.consumer1);
    c2 = new GlanceDriver(real.cloud, real.cloud.identities.consumer2);
    imageId = await real.owner.createImage();
    project = new PulumiProject(path.join(projectRoot, "examples/yaml"), "e2e");
    const as = proxiedCloudsYaml(project.workDir);
    project.env = as("owner");
    await project.init({
      imageId,
      ops: ops(),
      opsCloud: as("consumer1").OS_CLOUD!,
      ci: ci(),
      ciCloud: as("consumer2").OS_CLOUD!,
    });
  });

  real.destroyAfter(() => project);

  test("bad input (memberId a/b) fails the preview with the provider's message, before any request", async () => {
    await project.setConfig("ops", "a/b");
    const [keystoneBefore, glanceBefore] = [
      real.keystone.requests.length,
      real.glance.requests.length,
    ];
    const preview = await project.preview({ allowFailure: true });
    expect(preview.code).not.toBe(0);
    const output = preview.stdout + preview.stderr;
    expect(output).toContain(`${MEMBER} resource 'share-with-ops': property memberId value`);
    figures.pluginProblem = problemOf(output, "memberId");
    expect(figures.pluginProblem).toContain(
      'memberId must be the id of a project (it contains "/", which the image service accepts but can never read or delete again); got "a/b"',
    );
    expect(real.keystone.requests.length).toBe(keystoneBefore);
    expect(real.glance.requests.length).toBe(glanceBefore);
    await project.setConfig("ops", ops());
  });

  test("up: both members in Glance, each accepted as its consumer reads it with its own token; one POST and one PUT per member, one authentication per identity; no secret in state", async () => {
    const [authBefore, glanceBefore] = [authentications(), real.glance.requests.length];
    const started = Date.now();
    const up = await project.up();
    console.log(
      `plugin: YAML up of 2 members + 2 acceptances in ${(Date.now() - started) / 1000} s`,
    );
    expect(up.stdout).toMatch(/5 created/); // the stack and four resources
    expect(await real.owner.memberIds(imageId)).toEqual([ops(), ci()].sort());
    expect(await c1.memberStatus(imageId, ops())).toBe("accepted");
    expect(await c2.memberStatus(imageId, ci())).toBe("accepted");
    expect(await project.outputs()).toEqual({ ops: "accepted", ci: "accepted" });

    const sent = real.glance.requests.slice(glanceBefore).map((r) => `${r.method} ${r.path}`);
    expect(sent.sort()).toEqual(
      [
        `POST /v2/images/${imageId}/members`,
        `POST /v2/images/${imageId}/members`,
        `PUT /v2/images/${imageId}/members/${ops()}`,
        `PUT /v2/images/${imageId}/members/${ci()}`,
      ].sort(),
    );
    // owner (OS_CLOUD), consumer1 and consumer2 (cloud inputs): one plugin process, three logins.
    expect(authentications() - authBefore).toBe(3);

    const state = await project.exportState();
    const members = (state.deployment.resources ?? []).filter((r) => r.type === MEMBER);
    expect(members.map((m) => m.id).sort()).toEqual(
      [`${imageId}/${ops()}`, `${imageId}/${ci()}`].sort(),
    );
    expect(members[0]!.outputs).toMatchObject({
      imageId,
      status: "pending", // as created; the acceptances come after
      managingProjectId: real.cloud.identities.owner.projectId,
    });
    const acceptances = (state.deployment.resources ?? []).filter((r) => r.type === ACCEPTANCE);
    expect(acceptances.map((a) => a.outputs?.cloud).sort()).toEqual([
      "pim-consumer1",
      "pim-consumer2",
    ]);
    figures.pluginMember = stateBytes(members[0]!);

    const everything = project.stateFilesText();
    for (const identity of Object.values(real.cloud.identities)) {
      expect(everything).not.toContain(identity.password);
    }
    expect(real.keystone.issuedTokens.length).toBeGreaterThanOrEqual(3);
    for (const token of real.keystone.issuedTokens) expect(everything).not.toContain(token);
  });

  test("a second up changes nothing and sends no request", async () => {
    const [keystoneBefore, glanceBefore] = [
      real.keystone.requests.length,
      real.glance.requests.length,
    ];
    const started = Date.now();
    const up = await project.up();
    console.log(`plugin: no-op up in ${(Date.now() - started) / 1000} s`);
    expect(up.stdout).toMatch(/5 unchanged/);
    expect(up.stdout).not.toMatch(/created|updated|replaced|deleted/);
    expect(real.keystone.requests.length).toBe(keystoneBefore);
    expect(real.glance.requests.length).toBe(glanceBefore);
  });

  test("preview --diff of another project for ci replaces its member and its acceptance, naming memberId; nothing is sent", async () => {
    const other = real.cloud.identities.admin.projectId;
    await project.setConfig("ci", other);
    const glanceBefore = real.glance.requests.length;
    const preview = await project.preview();
    expect(preview.stdout).toMatch(
      new RegExp(`\\+-${MEMBER}: \\(replace\\)[\\s\\S]*share-with-ci\\]`),
    );
    expect(preview.stdout).toMatch(
      new RegExp(`\\+-${ACCEPTANCE}: \\(replace\\)[\\s\\S]*ci-accepts\\]`),
    );
    expect(preview.stdout).toMatch(new RegExp(`~ memberId\\s*: "${ci()}" => "${other}"`));
    expect(preview.stdout).toMatch(/2 to replace/);
    expect(preview.stdout).toMatch(/3 unchanged/);
    expect(real.glance.requests.length).toBe(glanceBefore);

    await project.setConfig("ci", ci());
    const back = await project.run([
      "preview",
      "--expect-no-changes",
      "--stack",
      project.stack,
      "--config-file",
      project.configFile,
    ]);
    expect(back.stdout).toMatch(/5 unchanged/);
  });

  test("refresh after drift (ops's member deleted, ci's rejected, out of band) records it; the next up restores both, one login per identity", async () => {
    await real.owner.deleteMember(imageId, ops());
    await c2.setMemberStatus(imageId, ci(), "rejected");

    const refresh = await project.refresh();
    expect(refresh.stdout).toMatch(/2 deleted/);
    const state = await project.exportState();
    const byName = (name: string) =>
      (state.deployment.resources ?? []).find((r) =>
        (r as StateResource & { urn?: string }).urn?.endsWith(`::${name}`),
      );
    expect(byName("share-with-ops")).toBeUndefined();
    expect(byName("ops-accepts")).toBeUndefined(); // consumer1 itself reads 404: trusted
    expect(byName("share-with-ci")?.outputs?.status).toBe("rejected");
    expect(byName("ci-accepts")?.outputs?.status).toBe("rejected");

    const authBefore = authentications();
    const up = await project.up();
    expect(up.stdout).toMatch(/2 created/);
    expect(up.stdout).toMatch(/1 updated/);
    expect(authentications() - authBefore).toBe(3);
    expect(await real.owner.memberIds(imageId)).toEqual([ops(), ci()].sort());
    expect(await c1.memberStatus(imageId, ops())).toBe("accepted");
    expect(await c2.memberStatus(imageId, ci())).toBe("accepted");
  });

  test("destroy leaves no member in Glance", async () => {
    const started = Date.now();
    const destroy = await project.destroy();
    console.log(`plugin: destroy in ${(Date.now() - started) / 1000} s`);
    expect(destroy.stdout).toMatch(/5 deleted/);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});

describe("pulumi import of memberships made by hand (tests/e2e/programs/plugin-import)", () => {
  let project: PulumiProject;
  let imageId: string;
  const ids = () => ({
    byHand: real.cloud.identities.consumer1.projectId,
    bulkA: real.cloud.identities.consumer2.projectId,
    bulkB: real.cloud.identities.admin.projectId,
  });

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    for (const memberId of Object.values(ids())) await real.owner.addMember(imageId, memberId);
    project = new PulumiProject(path.join(projectRoot, "tests/e2e/programs/plugin-import"), "imp");
    project.env = proxiedCloudsYaml(project.workDir)("owner");
    await project.init({ imageId, ...ids() });
  });

  real.destroyAfter(() => project);

  const stackArgs = () => ["--stack", project.stack, "--config-file", project.configFile];

  test("pulumi import imagemembers:index:ImageMember NAME <imageId>/<memberId> takes one into state, reading it only", async () => {
    const glanceBefore = real.glance.requests.length;
    const started = Date.now();
    const result = await project.run([
      "import",
      MEMBER,
      "by-hand",
      `${imageId}/${ids().byHand}`,
      "--yes",
      "--generate-code=false",
      "--protect=false",
      ...stackArgs(),
    ]);
    console.log(`plugin: pulumi import of one member in ${(Date.now() - started) / 1000} s`);
    expect(result.stdout).toMatch(/1 imported/);
    expect(real.glance.requests.slice(glanceBefore).every((r) => r.method === "GET")).toBe(true);
    const state = await project.exportState();
    const imported = state.deployment.resources?.find((r) => r.type === MEMBER);
    expect(imported?.id).toBe(`${imageId}/${ids().byHand}`);
    expect(imported?.inputs).toEqual({ imageId, memberId: ids().byHand });
    expect(imported?.outputs).toMatchObject({ imageId, memberId: ids().byHand, status: "pending" });
  });

  test("pulumi import of what does not exist fails saying what is missing and how to list the members; state is unchanged", async () => {
    const missingImage = "0c1d2e3f-0000-4000-8000-000000000404";
    const cases: [string, string, RegExp][] = [
      [
        MEMBER,
        `${imageId}/pim-not-a-member`,
        new RegExp(
          `Cannot import ImageMember ${imageId}/pim-not-a-member: project pim-not-a-member is not ` +
            `a member of image ${imageId}: the image service has no such membership, so there is ` +
            `nothing to import\\. List the image's members with .openstack image member list ` +
            `${imageId}. \\(as its owner project\\).*HTTP 404`,
        ),
      ],
      [
        "imagemembers:index:ImageMembers",
        missingImage,
        new RegExp(
          `Cannot import ImageMembers ${missingImage}: image ${missingImage} does not exist or is ` +
            `not visible to project ${real.cloud.identities.owner.projectId}, so there is nothing to import`,
        ),
      ],
      [
        "imagemembers:index:ImageMemberAcceptance",
        `${missingImage}/${ids().byHand}`,
        new RegExp(
          `Cannot import ImageMemberAcceptance ${missingImage}/${ids().byHand}: image ` +
            `${missingImage} does not exist or is not visible`,
        ),
      ],
    ];
    const stateBefore = (await project.exportState()).deployment.resources?.length ?? 0;
    for (const [type, id, message] of cases) {
      const result = await project.run(
        ["import", type, "missing", id, "--yes", "--generate-code=false", ...stackArgs()],
        { allowFailure: true },
      );
      const output = `${result.stdout}\n${result.stderr}`;
      console.log(
        `plugin: pulumi import ${type} of nothing: exit ${result.code}; ${output.match(/Cannot import[^\n]*/)?.[0]}`,
      );
      expect(result.code).not.toBe(0);
      expect(output).toMatch(message);
      expect(output).not.toContain("does not support importing");
    }
    expect((await project.exportState()).deployment.resources?.length ?? 0).toBe(stateBefore);
  });

  test("pulumi import --file takes the others and writes their YAML declarations; the next up has nothing to do; destroy removes all three", async () => {
    const file = path.join(project.workDir, "import.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        resources: [
          { type: MEMBER, name: "bulk-a", id: `${imageId}/${ids().bulkA}` },
          { type: MEMBER, name: "bulk-b", id: `${imageId}/${ids().bulkB}` },
        ],
      }),
    );
    const glanceBefore = real.glance.requests.length;
    const code = path.join(project.workDir, "imported.yaml");
    const result = await project.run([
      "import",
      "--file",
      file,
      "--yes",
      "--out",
      code,
      "--protect=false",
      ...stackArgs(),
    ]);
    expect(result.stdout).toMatch(/2 imported/);
    expect(real.glance.requests.slice(glanceBefore).every((r) => r.method === "GET")).toBe(true);
    // The YAML language host generates the declarations (the schema gives their properties).
    const declared = fs.readFileSync(code, "utf8");
    for (const [name, memberId] of [
      ["bulk-a", ids().bulkA],
      ["bulk-b", ids().bulkB],
    ]) {
      expect(declared).toMatch(
        new RegExp(
          `${name}:\\n\\s+type: imagemembers:ImageMember\\n\\s+properties:\\n` +
            `\\s+imageId: ${imageId}\\n\\s+memberId: ${memberId}`,
        ),
      );
    }

    const before = real.glance.requests.length;
    const up = await project.up();
    expect(up.stdout).toMatch(/4 unchanged/); // the stack and the three members
    expect(up.stdout).not.toMatch(/created|updated|replaced|deleted/);
    expect(real.glance.requests.length).toBe(before);
    expect(await real.owner.memberIds(imageId)).toEqual(Object.values(ids()).sort());

    await project.destroy();
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});

describe("beside the dynamic ImageMember (the root quickstart, TypeScript, the package installed)", () => {
  let project: PulumiProject;
  let imageId: string;

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    project = new PulumiProject(projectRoot, "dyn");
    await initAs(project, real.cloud.identities.owner, { imageId });
  });

  real.destroyAfter(() => project);

  test("the same bad input gives the same check failure", async () => {
    await project.setConfig("members", JSON.stringify({ a: "a/b" }));
    const preview = await project.preview({ allowFailure: true });
    expect(preview.code).not.toBe(0);
    const output = preview.stdout + preview.stderr;
    expect(output).toContain(`${DYNAMIC_MEMBER} resource 'share-with-a': property memberId value`);
    figures.dynamicProblem = problemOf(output, "memberId");
    if (!figures.pluginProblem) throw new Error("the plugin's bad-input test did not run first");
    expect(figures.dynamicProblem).toBe(figures.pluginProblem);
  });

  test("state per member: the plugin's ImageMember against the dynamic one", async () => {
    await project.setConfig(
      "members",
      JSON.stringify({ a: real.cloud.identities.consumer1.projectId }),
    );
    await project.up();
    const state = await project.exportState();
    const member = state.deployment.resources?.find((r) => r.type === DYNAMIC_MEMBER);
    if (!member) throw new Error("the quickstart made no dynamic ImageMember");
    figures.dynamicMember = stateBytes(member);
    if (!figures.pluginMember) throw new Error("the plugin's up test did not run first");
    console.log(
      `state bytes per ImageMember (pulumi stack export, indented): ` +
        `plugin (YAML program) ${JSON.stringify(figures.pluginMember)}; ` +
        `dynamic (TypeScript, installed package) ${JSON.stringify(figures.dynamicMember)}`,
    );
    // What the provider and the engine keep for the resource, without the stack trace the
    // language host sends (the YAML host, a Go program, sends ~13 frames of its own code).
    expect(figures.pluginMember.withoutStackTrace).toBeLessThanOrEqual(1536);
    expect(figures.pluginMember.withoutStackTrace).toBeLessThan(
      figures.dynamicMember.withoutStackTrace,
    );
    expect(figures.pluginMember.inputsAndOutputs).toBeLessThan(
      figures.dynamicMember.inputsAndOutputs,
    );
    await project.destroy();
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});
