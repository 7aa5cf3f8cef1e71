/**
 * Coming from Terraform, end to end on the real Keystone + Glance: OpenTofu with
 * terraform-provider-openstack (scripts/tofu.sh) applies a configuration sharing two images
 * (`count` and `for_each`) and accepting one share with the consumer's own credentials; then the
 * handover as docs/from-terraform.md tells it: `pulumi-image-members from-terraform` (the
 * installed package's command), `pulumi import --file`, `pulumi preview` with no change, the
 * printed `tofu state rm` lines, and `tofu plan` with nothing to do once the blocks are gone.
 * Glance holds the same members with the same statuses before and after, and a counting proxy
 * in front of Glance sees no POST, PUT or DELETE during the whole handover (OpenTofu, the
 * provider plugin and the Pulumi engine all reach Glance through it, by Keystone's catalog).
 * Last, Pulumi manages what it took over: `pulumi destroy` removes it.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { runAll } from "../support/cleanup";
import { addCloudEntries, writeCloudsYaml } from "../support/cloudsYaml";
import { CountingProxy } from "../support/countingProxy";
import {
  handoverConfiguration,
  handoverProviders,
  tofuInstallation,
  TofuWorkspace,
} from "../support/openTofu";
import { PulumiProject } from "../support/pulumiEngine";
import { CloudFile, GlanceDriver, IdentityFile, loadCloudFile } from "../support/realCloud";

jest.setTimeout(600_000);

const MEMBER = "imagemembers:index:ImageMember";
const ACCEPTANCE = "imagemembers:index:ImageMemberAcceptance";
/** The command as users install it: the package the engine tests install into examples/. */
const installedCli = path.join(
  projectRoot,
  "examples/node_modules/pulumi-image-members/dist/provider/cli.js",
);

let cloud: CloudFile;
let owner: GlanceDriver;
let glance: CountingProxy;
let keystone: CountingProxy;
let tofu: TofuWorkspace;
let project: PulumiProject;
let handoverDir: string;
let images: { imageA: string; imageB: string };
const consumer1 = () => cloud.identities.consumer1.projectId;
const consumer2 = () => cloud.identities.consumer2.projectId;
/** Requests the proxies had seen when the handover began. */
let handoverStart = { glance: 0, keystone: 0 };

/** Every membership of both images with its status, as the owner reads them from Glance. */
async function glanceMemberships(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const imageId of [images.imageA, images.imageB]) {
    for (const memberId of await owner.memberIds(imageId)) {
      out[`${imageId}/${memberId}`] = await owner.memberStatus(imageId, memberId);
    }
  }
  return out;
}

beforeAll(async () => {
  cloud = loadCloudFile();
  // Fails the suite, saying to run `bash scripts/tofu.sh ensure`, when OpenTofu is missing.
  const installation = tofuInstallation("bin-dir");
  owner = new GlanceDriver(cloud, cloud.identities.owner);
  glance = new CountingProxy(cloud.glanceUrl);
  await glance.start();
  keystone = new CountingProxy(cloud.keystoneUrl);
  await keystone.start();
  // Keystone's catalog sends every client to Glance through the proxy.
  keystone.rewrites = [[cloud.glanceUrl, glance.url]];
  images = { imageA: await owner.createImage(), imageB: await owner.createImage() };

  // One clouds.yaml (and secure.yaml, which the Terraform provider reads from its working
  // directory) for OpenTofu and Pulumi alike, authenticating through the Keystone proxy; the
  // entry "consumer" is what the Terraform provider alias of that name uses.
  const tofuDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-tofu-"));
  const identities = Object.fromEntries(
    Object.entries(cloud.identities).map(([name, identity]): [string, IdentityFile] => [
      name,
      { ...identity, authUrl: identity.authUrl.replace(cloud.keystoneUrl, keystone.url) },
    ]),
  );
  const as = writeCloudsYaml({ ...cloud, identities } as CloudFile, tofuDir);
  addCloudEntries(tofuDir, { consumer: { like: "pim-consumer1" } });
  tofu = new TofuWorkspace(installation, as("owner"), tofuDir);

  handoverDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-handover-"));
  project = new PulumiProject(handoverDir, "handover"); // builds and installs the package
  project.env = as("owner");
});

afterAll(() =>
  runAll([
    () => project?.destroy({ allowFailure: true }),
    () => project?.cleanUp(),
    () => fs.rmSync(handoverDir, { recursive: true, force: true }),
    () => tofu?.cleanUp(),
    () => owner?.cleanUp(),
    () => glance?.stop(),
    () => keystone?.stop(),
  ]),
);

const stackArgs = () => ["--stack", project.stack, "--config-file", project.configFile];

test("OpenTofu shares both images and the consumer accepts image A with its own credentials", async () => {
  tofu.write(
    "main.tf",
    handoverConfiguration({ ...images, consumer1: consumer1(), consumer2: consumer2() }),
  );
  const started = Date.now();
  const apply = await tofu.run(["apply", "-auto-approve"]);
  console.log(`tofu apply of 3 members and 1 acceptance: ${(Date.now() - started) / 1000} s`);
  expect(apply.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
  expect(await glanceMemberships()).toEqual({
    [`${images.imageA}/${consumer1()}`]: "accepted",
    [`${images.imageA}/${consumer2()}`]: "pending",
    [`${images.imageB}/${consumer1()}`]: "pending",
  });
  expect(glance.count("POST")).toBe(3);
  expect(glance.count("PUT")).toBe(1);
});

describe("the handover", () => {
  let before: Record<string, string>;
  let guide: string;

  beforeAll(async () => {
    before = await glanceMemberships();
    handoverStart = { glance: glance.requests.length, keystone: keystone.requests.length };
  });

  test("from-terraform terraform.tfstate writes the import file, the programs and the state rm lines", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [installedCli, "from-terraform", "terraform.tfstate", "--out", handoverDir],
        { cwd: tofu.dir },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    guide = result.stdout;
    expect(guide).toContain(
      "3 membership(s) and 1 acceptance(s) in 4 Terraform resource instance(s)",
    );
    // The program's plugin: the package installed into examples/ (users: ./node_modules).
    const programFile = path.join(handoverDir, "Pulumi.yaml");
    const program = fs.readFileSync(programFile, "utf8");
    const pluginPath = "./node_modules/pulumi-image-members/bin";
    expect(program).toContain(`path: ${pluginPath}`);
    fs.writeFileSync(
      programFile,
      program.replace(pluginPath, path.join(path.dirname(installedCli), "../../bin")),
    );
  });

  test("pulumi import --file takes all four into state without a request to Glance", async () => {
    await project.init({});
    const before = glance.requests.length;
    const result = await project.run([
      "import",
      "--file",
      path.join(handoverDir, "import.json"),
      "--yes",
      "--protect=false",
      "--generate-code=false",
      ...stackArgs(),
    ]);
    expect(result.stdout).toMatch(/4 imported/);
    expect(glance.requests.slice(before)).toEqual([]);
    const state = await project.exportState();
    const resources = state.deployment.resources ?? [];
    const acceptance = resources.find((r) => r.type === ACCEPTANCE);
    expect(acceptance?.id).toBe(`${images.imageA}/${consumer1()}`);
    // The consumer's credentials stay with the acceptance: its update and destroy need them.
    expect(acceptance?.outputs).toMatchObject({ status: "accepted", cloud: "consumer" });
    // An import records no dependsOn, only a parent: the acceptance is the child of the share it
    // accepts, so that a destroy resets it before the share is removed, never at the same time.
    const share = resources.find((r) => r.type === MEMBER && r.id === acceptance?.id);
    expect(acceptance?.parent).toBe(share?.urn);
    const memberIds = resources.filter((r) => r.type === MEMBER).map((r) => r.id);
    expect(memberIds.sort()).toEqual(
      [
        `${images.imageA}/${consumer1()}`,
        `${images.imageA}/${consumer2()}`,
        `${images.imageB}/${consumer1()}`,
      ].sort(),
    );
  });

  test("pulumi preview shows no change, and none after reading every membership (--refresh)", async () => {
    const preview = await project.run(["preview", "--expect-no-changes", ...stackArgs()]);
    expect(preview.stdout).toMatch(/5 unchanged/); // the stack and the four
    const refreshed = await project.run([
      "preview",
      "--refresh",
      "--expect-no-changes",
      ...stackArgs(),
    ]);
    expect(refreshed.stdout).toMatch(/5 unchanged/);
  });

  test("the printed tofu state rm lines, the blocks deleted: tofu plan has nothing to do", async () => {
    const printed = guide
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("tofu state rm "));
    expect(printed).toHaveLength(4);
    const script = fs.readFileSync(path.join(handoverDir, "state-rm.sh"), "utf8");
    expect(script).toContain(printed.join("\n"));
    fs.copyFileSync(path.join(handoverDir, "state-rm.sh"), path.join(tofu.dir, "state-rm.sh"));
    const removed = await tofu.sh("state-rm.sh");
    expect(removed.stdout.match(/Removed /g)).toHaveLength(4);
    expect((await tofu.run(["state", "list"])).stdout.trim()).toBe("");
    tofu.write("main.tf", handoverProviders);
    const plan = await tofu.run(["plan", "-detailed-exitcode"]);
    expect(plan.code).toBe(0); // 2 would mean changes
    expect(plan.stdout).toContain("No changes.");
  });

  test("Glance: the same members with the same statuses; no POST, PUT or DELETE reached it", async () => {
    expect(await glanceMemberships()).toEqual(before);
    const writes = glance.requests
      .slice(handoverStart.glance)
      .filter((r) => r.method !== "GET" && r.method !== "HEAD");
    expect(writes).toEqual([]);
    const seen = glance.requests.slice(handoverStart.glance).length;
    // Keystone: token requests (POST /v3/auth/tokens) and reads only.
    const keystoneOther = keystone.requests
      .slice(handoverStart.keystone)
      .filter((r) => r.method !== "GET" && !/\/auth\/tokens$/.test(r.path));
    expect(keystoneOther).toEqual([]);
    console.log(
      `handover: ${seen} Glance requests, all GET; ${keystone.requests.length - handoverStart.keystone} Keystone requests`,
    );
  });
});

test("Pulumi manages what it took over: destroy resets the acceptance and removes the members", async () => {
  // Glance's answer to the reset is held 2 s, so that a DELETE of the same membership sent
  // before the reset is done shows in the order below. Run at the same time, the two can leave
  // the member in Glance: the reset's status update clears the deleted flag of the member's row.
  const shared = `/v2/images/${images.imageA}/members/${consumer1()}`;
  glance.holdAnswer = (method, path) => (method === "PUT" && path.endsWith(shared) ? 2000 : 0);
  const seen = glance.requests.length;
  const destroy = await project.destroy();
  glance.holdAnswer = undefined;
  expect(destroy.stdout).toMatch(/5 deleted/);
  // The reset answered (200: the member was still there), and only then the DELETE sent.
  const writes = glance.requests
    .slice(seen)
    .filter((r) => r.method !== "GET" && r.path.endsWith(shared));
  expect(writes.map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 200", "DELETE 204"]);
  expect(writes[1].arrivedAt).toBeGreaterThanOrEqual(writes[0].answeredAt);
  expect(await owner.memberIds(images.imageA)).toEqual([]);
  expect(await owner.memberIds(images.imageB)).toEqual([]);
  // The acceptance's reset ran with the consumer's credentials (the owner would get 403).
  expect(glance.count("PUT", /\/members\//)).toBe(2);
});
