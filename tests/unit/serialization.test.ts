import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot, runTypeScript } from "../support/childProcess";
import { isInstalled, requireText } from "../../provider/serialization/providerText";
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

describe("the provider an installed package records", () => {
  test("is one line requiring the package's stand-in, and runs from another project's node_modules", async () => {
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
      // The __provider an ImageMember of the installed package registers (what the engine
      // keeps in its inputs and outputs), loaded as the engine's dynamic-provider process does.
      // And the text 0.2.0 recorded (the SDK's closure of the same stand-in), still loadable.
      const script = `
        const pulumi = require("@pulumi/pulumi");
        const requireFromString = require("require-from-string");
        let recorded;
        pulumi.runtime.setMocks({
          newResource: (args) => { recorded = args.inputs.__provider; return { id: "i", state: args.inputs }; },
          call: () => ({}),
        }, "project", "stack");
        const { ImageMember } = require("pulumi-image-members");
        const member = new ImageMember("m", { imageId: "nope", memberId: "p" });
        member.urn.apply(async () => {
          const provider = require("pulumi-image-members/serialized/imageMember");
          const legacy = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
          const result = { text: recorded, legacyText: legacy.text };
          for (const [key, text] of Object.entries({ failures: recorded, legacyFailures: legacy.text })) {
            const loaded = requireFromString(text).handler();
            result[key] = (await loaded.check({}, { imageId: "nope", memberId: "p" })).failures;
          }
          console.log(JSON.stringify(result));
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
      console.log(
        `__provider of an installed package: ${result.text.length} bytes (0.2.0: ${result.legacyText.length})`,
      );
      expect(result.text).toBe(requireText("imageMember"));
      expect(result.text).toBe(
        'exports.handler=()=>require("pulumi-image-members/serialized/imageMember")',
      );
      expect(result.legacyText).toContain('require("pulumi-image-members/serialized/imageMember")');
      for (const failures of [result.failures, result.legacyFailures]) {
        expect(failures.map((f: { property: string }) => f.property)).toEqual(["imageId"]);
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);

  test("a module counts as installed by a node_modules folder in its path, as the SDK's rule", () => {
    expect(isInstalled("/p/node_modules/pulumi-image-members/dist/provider/x.js")).toBe(true);
    expect(isInstalled("C:\\p\\node_modules\\pulumi-image-members\\x.js")).toBe(true);
    expect(isInstalled("/work/pulumi-image-members/provider/serialization/x.ts")).toBe(false);
    expect(isInstalled("/work/my_node_modules/x.js")).toBe(false);
  });
});
