/**
 * Records the real `pulumi preview --json` documents in tests/unit/fixtures/ that the review
 * command's unit tests read: the program in ./reviewProgram under the real engine, on the real
 * cloud (scripts/local-cloud.sh), a "pull request" as a config change, then drift made outside
 * Pulumi caught by `pulumi preview --refresh`. Run by hand when the preview format may have
 * changed (the engine or @pulumi/pulumi was upgraded):
 *
 *   flock /tmp/pim-cloud.lock node -r ts-node/register/transpile-only tests/support/recordReviewFixtures.ts
 *
 * The only rewrites, to keep the fixtures small: each `__provider` (the serialized provider,
 * kilobytes of code per state) is shortened and each `stackTrace` (where the program made the
 * resource) is left out.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./childProcess";
import { PulumiProject } from "./pulumiEngine";
import { GlanceDriver, loadCloudFile, stackConfigOf } from "./realCloud";

const fixtures = path.join(projectRoot, "tests/unit/fixtures");

/** Shortens every `__provider` string of a preview document and drops `stackTrace`s. */
function shortenProviders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shortenProviders);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "stackTrace")
      .map(([key, inner]) => [
        key,
        key === "__provider" && typeof inner === "string"
          ? `${inner.slice(0, 40)}… (shortened by recordReviewFixtures.ts)`
          : shortenProviders(inner),
      ]),
  );
}

async function record(stack: PulumiProject, name: string, args: string[]): Promise<void> {
  const result = await stack.run(
    ["preview", "--json", ...args, "--stack", stack.stack, "--config-file", stack.configFile],
    { allowFailure: true },
  );
  const document = shortenProviders(JSON.parse(result.stdout));
  const file = path.join(fixtures, name);
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`${file}: pulumi preview exited ${result.code}, ${fs.statSync(file).size} bytes`);
}

async function main(): Promise<void> {
  const cloud = loadCloudFile();
  const { owner, consumer1, consumer2, admin } = cloud.identities;
  const ownerGlance = new GlanceDriver(cloud, owner);
  const images = {
    memberImageId: await ownerGlance.createImage(),
    listImageId: await ownerGlance.createImage(),
    shareImageId: await ownerGlance.createImage(),
  };
  const stack = new PulumiProject(path.join(projectRoot, "tests/support/reviewProgram"), "review");
  const { "openstack:password": password, ...ownerConfig } = stackConfigOf(owner);
  const deployed = {
    members: { ops: consumer1.projectId, qa: consumer2.projectId },
    list: [consumer1.projectId, consumer2.projectId, admin.projectId],
    share: [consumer2.projectId],
  };
  const setShares = async (shares: typeof deployed | Record<string, unknown>) => {
    for (const [key, value] of Object.entries(shares)) {
      await stack.setConfig(key, JSON.stringify(value));
    }
  };
  try {
    await stack.init({ ...ownerConfig, ...images }, { "openstack:password": password });
    await setShares(deployed);
    await stack.up();
    // The first consumer accepts where it is a member; a refresh records it in the state.
    const consumer1Glance = new GlanceDriver(cloud, consumer1);
    for (const imageId of [images.memberImageId, images.listImageId]) {
      await consumer1Glance.setMemberStatus(imageId, consumer1.projectId, "accepted");
    }
    await stack.refresh();

    // The pull request: ops moves from consumer1 to admin, qa leaves, dev arrives; the list
    // is reordered, loses consumer2 and gains a new project; the share gains consumer1.
    const newProject = "5e1f0c2a9b7d4e3f8a6b1c0d2e4f6a8b";
    await setShares({
      members: { ops: admin.projectId, dev: newProject },
      list: [admin.projectId, consumer1.projectId, newProject],
      share: [consumer2.projectId, consumer1.projectId],
    });
    await record(stack, "pull-request.json", []);
    await record(stack, "pull-request-replacement-steps.json", ["--show-replacement-steps"]);

    // Back to what is deployed, then drift: the memberships of ops and of admin (in the list)
    // deleted, and consumer2's status set to rejected, outside Pulumi.
    await setShares(deployed);
    await ownerGlance.deleteMember(images.memberImageId, consumer1.projectId);
    await ownerGlance.deleteMember(images.listImageId, admin.projectId);
    const consumer2Glance = new GlanceDriver(cloud, consumer2);
    for (const imageId of Object.values(images)) {
      await consumer2Glance.setMemberStatus(imageId, consumer2.projectId, "rejected");
    }
    await record(stack, "refresh-drift.json", ["--refresh"]);
    await record(stack, "refresh-drift-show-sames.json", ["--refresh", "--show-sames"]);
  } finally {
    await stack.destroy({ allowFailure: true });
    stack.cleanUp();
    await ownerGlance.cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
