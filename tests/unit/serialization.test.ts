import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTypeScript } from "../support/childProcess";
import { FakeCloud } from "../support/fakeCloud";

describe("the provider as Pulumi serializes it into state", () => {
  let cloud: FakeCloud;
  let dir: string;
  beforeAll(async () => {
    cloud = new FakeCloud();
    await cloud.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "serialized-"));
  });
  afterAll(async () => {
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the loaded copy runs check, create, read, diff and delete, and no secret is in its text or outputs", async () => {
    const image = cloud.addImage("owner");
    const owner = cloud.project("owner");
    const consumer = cloud.project("consumer1").id;
    // Secrets from all sources are present while the program serializes the provider:
    // OS_* variables in its environment, and a stack config password handed to configure.
    const env = {
      ...process.env,
      OS_AUTH_URL: `${cloud.url}/v3`,
      OS_USERNAME: owner.user.name,
      OS_PROJECT_NAME: "owner",
      OS_PASSWORD: "env-password-never-used-1234",
      OS_APPLICATION_CREDENTIAL_SECRET: cloud.applicationCredential.secret,
    };
    const stackConfig = { "openstack:password": owner.user.password };
    const outFile = path.join(dir, "provider.js");

    const report = JSON.parse(
      await runTypeScript(
        "tests/support/serializeProvider.ts",
        [outFile, image.id, consumer, JSON.stringify(stackConfig)],
        env,
      ),
    );
    const text = fs.readFileSync(outFile, "utf8");
    console.log(`serialized provider: ${report.bytes} bytes`);

    expect(report.checked.failures).toEqual([]);
    expect(report.created).toMatchObject({
      id: `${image.id}/${consumer}`,
      outs: { status: "pending", memberId: consumer },
    });
    expect(report.read.props.status).toBe("pending");
    expect(report.diff.changes).toBe(false);
    expect(cloud.members.get(image.id)).toEqual([]);
    expect(cloud.authentications()).toHaveLength(1);

    const everything = text + JSON.stringify(report);
    const secrets = [
      owner.user.password,
      "env-password-never-used-1234",
      cloud.applicationCredential.secret,
      ...cloud.tokens.keys(),
    ];
    expect(cloud.tokens.size).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
    expect(text).toContain("exports.handler");
  }, 60_000);
});
