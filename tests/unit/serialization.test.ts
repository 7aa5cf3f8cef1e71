import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot, runTypeScript } from "../support/childProcess";
import { temporaryFolder } from "../support/cleanup";
import { onFakeCloud } from "../support/providerHarness";

// These tests run the build (dist/), which must not be older than the sources.
beforeAll(() => assertFreshBuild(projectRoot));

describe("the provider as Pulumi serializes it into state", () => {
  const fake = onFakeCloud("all");
  const temp = temporaryFolder("serialized-");

  test("the loaded copy runs check, create, read, diff and delete, and no secret is in its text, outputs or errors", async () => {
    const image = fake.cloud.addImage("owner");
    const owner = fake.cloud.project("owner");
    const consumer = fake.cloud.project("consumer1").id;
    // Secrets from all sources are present while the program serializes the provider:
    // OS_* variables in its environment, and a stack config password handed to configure.
    const env = {
      ...process.env,
      OS_AUTH_URL: `${fake.cloud.url}/v3`,
      OS_USERNAME: owner.user.name,
      OS_PROJECT_NAME: "owner",
      OS_PASSWORD: "env-password-never-used-1234",
      OS_APPLICATION_CREDENTIAL_SECRET: fake.cloud.applicationCredential.secret,
    };
    const stackConfig = { "openstack:password": owner.user.password };
    const outFile = path.join(temp.dir, "provider.js");
    // The first member POST fails with a body quoting the credentials it was sent.
    fake.cloud.echoCredentials = true;
    fake.cloud.faults.push({
      match: (method, p) => method === "POST" && p.endsWith("/members"),
      status: 403,
      times: 1,
    });

    const report = JSON.parse(
      await runTypeScript(
        "tests/support/serializeProvider.ts",
        [outFile, image.id, consumer, JSON.stringify(stackConfig)],
        env,
      ),
    );
    const text = fs.readFileSync(outFile, "utf8");
    console.log(`serialized provider: ${report.bytes} bytes`);

    expect(report.failedCreate.message).toMatch(/Credentials received: X-Auth-Token \[redacted\]/);
    expect(report.checked.failures).toEqual([]);
    expect(report.created).toMatchObject({
      id: `${image.id}/${consumer}`,
      outs: { status: "pending", memberId: consumer },
    });
    expect(report.read.props.status).toBe("pending");
    expect(report.diff.changes).toBe(false);
    expect(fake.cloud.members.get(image.id)).toEqual([]);
    expect(fake.cloud.authentications()).toHaveLength(1);

    const everything = text + JSON.stringify(report);
    const secrets = [
      owner.user.password,
      "env-password-never-used-1234",
      fake.cloud.applicationCredential.secret,
      ...fake.cloud.tokens.keys(),
    ];
    expect(fake.cloud.tokens.size).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
    expect(text).toContain("exports.handler");
  }, 60_000);
});

describe("the provider serialized from an installed package", () => {
  test("is a require() of the package, a few hundred bytes, and runs from another project's node_modules", async () => {
    const { execFileSync } = await import("child_process");
    const root = path.resolve(__dirname, "../..");
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "installed-"));
    try {
      // What `npm install pulumi-image-members` leaves: the package's files, really copied.
      const installed = path.join(project, "node_modules", "pulumi-image-members");
      fs.mkdirSync(installed, { recursive: true });
      fs.copyFileSync(path.join(root, "package.json"), path.join(installed, "package.json"));
      fs.cpSync(path.join(root, "dist", "provider"), path.join(installed, "dist", "provider"), {
        recursive: true,
      });
      const script = `
        const pulumi = require("@pulumi/pulumi");
        const { ImageMember } = require("pulumi-image-members");
        const provider = require("pulumi-image-members/serialized/imageMember");
        pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then(async (s) => {
          const loaded = require("require-from-string")(s.text).handler();
          const checked = await loaded.check({}, { imageId: "nope", memberId: "p" });
          console.log(JSON.stringify({ text: s.text, failures: checked.failures, resource: typeof ImageMember }));
        });`;
      const out = execFileSync(process.execPath, ["-e", script], {
        cwd: project,
        // As if installed side by side: both folders on the resolution path.
        env: {
          ...process.env,
          NODE_PATH: [path.join(project, "node_modules"), path.join(root, "node_modules")].join(
            path.delimiter,
          ),
        },
        encoding: "utf8",
      });
      const result = JSON.parse(out);
      console.log(`serialized provider from an installed package: ${result.text.length} bytes`);
      expect(result.text).toContain('require("pulumi-image-members/serialized/imageMember")');
      expect(result.text.length).toBeLessThan(400);
      expect(result.failures.map((f: { property: string }) => f.property)).toEqual(["imageId"]);
      expect(result.resource).toBe("function");
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});
