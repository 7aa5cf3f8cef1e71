/**
 * Records the Terraform states in tests/unit/fixtures/terraform/ that the unit tests of
 * `pulumi-image-members from-terraform` read: OpenTofu applies the handover configuration
 * (./openTofu.ts) on the real cloud (scripts/local-cloud.sh), then its terraform.tfstate and
 * `tofu show -json` are kept as they are, and everything is destroyed again. Run by hand when
 * OpenTofu or terraform-provider-openstack is upgraded (needs `bash scripts/tofu.sh ensure`):
 *
 *   flock /tmp/pim-cloud.lock node -r ts-node/register/transpile-only tests/support/recordTerraformFixtures.ts
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "./childProcess";
import { addCloudEntries, writeCloudsYaml } from "./cloudsYaml";
import { handoverConfiguration, tofuInstallation, TofuWorkspace } from "./openTofu";
import { GlanceDriver, loadCloudFile } from "./realCloud";

const fixtures = path.join(projectRoot, "tests/unit/fixtures/terraform");

async function main(): Promise<void> {
  const cloud = loadCloudFile();
  const owner = new GlanceDriver(cloud, cloud.identities.owner);
  const installation = tofuInstallation("bin-dir");
  const images = { imageA: await owner.createImage(), imageB: await owner.createImage() };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-tofu-fixtures-"));
  // clouds.yaml and secure.yaml in the working directory, where the provider looks for both.
  const as = writeCloudsYaml(cloud, dir);
  addCloudEntries(dir, { consumer: { like: "pim-consumer1" } });
  const tofu = new TofuWorkspace(installation, as("owner"), dir);
  try {
    tofu.write(
      "main.tf",
      handoverConfiguration({
        ...images,
        consumer1: cloud.identities.consumer1.projectId,
        consumer2: cloud.identities.consumer2.projectId,
      }),
    );
    await tofu.run(["apply", "-auto-approve"]);
    fs.mkdirSync(fixtures, { recursive: true });
    const version = (await tofu.run(["version"])).stdout.split("\n").slice(0, 2).join("; ");
    const files = {
      "handover.tfstate": tofu.read("terraform.tfstate"),
      "handover.show.json": `${JSON.stringify(JSON.parse((await tofu.run(["show", "-json"])).stdout), null, 2)}\n`,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(fixtures, name), text);
      console.log(`${path.join(fixtures, name)}: ${Buffer.byteLength(text)} bytes (${version})`);
    }
  } finally {
    await tofu.run(["destroy", "-auto-approve"], { allowFailure: true });
    tofu.cleanUp();
    await owner.cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
