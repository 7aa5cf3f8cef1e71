/**
 * Under the real engine: no password, application credential secret or token reaches the
 * state, whichever source the credentials come from; bad input fails early and cleanly.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";
import { runAll } from "../support/cleanup";
import { writeCloudsYaml } from "../support/cloudsYaml";

const real = underTheEngine({ proxies: true });

/** An application credential of the owner, made for this test and deleted after it. */
async function makeApplicationCredential(): Promise<{
  id: string;
  secret: string;
  remove: () => Promise<void>;
}> {
  const userId = real.cloud.identities.owner.userId;
  const response = await real.owner.session.http.request({
    method: "POST",
    url: `${real.cloud.authUrl}/users/${userId}/application_credentials`,
    json: { application_credential: { name: `pim-e2e-${randomUUID().slice(0, 8)}` } },
    authorizer: real.owner.session,
  });
  const credential = (response.body as { application_credential: { id: string; secret: string } })
    .application_credential;
  return {
    ...credential,
    remove: async () => {
      await real.owner.session.http.request({
        method: "DELETE",
        url: `${real.cloud.authUrl}/users/${userId}/application_credentials/${credential.id}`,
        authorizer: real.owner.session,
      });
    },
  };
}

test("8. state holds no password, application credential secret or token, from stack config, OS_* or clouds.yaml", async () => {
  const o = real.cloud.identities.owner;
  const imageId = await real.owner.createImage();
  const appCred = await makeApplicationCredential();
  const project = new PulumiProject(projectRoot, "secrets");
  // clouds.yaml + secure.yaml of the cloud under test, written from the cloud file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-secrets-clouds-"));
  const cloudsEnv = writeCloudsYaml(real.cloud, dir)("owner");
  try {
    // Each step adds a member, so each `up` authenticates with that step's credentials.
    const projects = [
      real.cloud.identities.consumer1.projectId,
      real.cloud.identities.consumer2.projectId,
      real.cloud.identities.admin.projectId,
    ];
    const members = (n: number) =>
      JSON.stringify(Object.fromEntries(projects.slice(0, n).map((p, i) => [`m${i}`, p])));
    // (1) Stack config, the password as a Pulumi secret.
    await project.init(
      {
        "openstack:authUrl": `${real.keystone.url}/v3`,
        "openstack:userName": o.username,
        "openstack:tenantName": o.projectName,
        "openstack:imageEndpoint": real.glance.url,
        imageId,
        members: members(1),
      },
      { "openstack:password": o.password },
    );
    const tokensBefore = real.keystone.issuedTokens.length;
    await project.up();
    // Pulumi itself keeps the stack config as the default provider's inputs: the secret only
    // as its ciphertext.
    const afterStep1 = await project.exportState();
    const defaultProvider = afterStep1.deployment.resources?.find(
      (r) => r.type === "pulumi:providers:pulumi-nodejs",
    );
    expect(defaultProvider?.inputs?.["openstack:password"]).toMatchObject({
      ciphertext: expect.any(String),
    });

    // (2) OS_* variables: an application credential (the stack config's credentials removed).
    for (const key of ["openstack:password", "openstack:userName", "openstack:tenantName"]) {
      await project.run([
        "config",
        "rm",
        key,
        "--stack",
        project.stack,
        "--config-file",
        project.configFile,
      ]);
    }
    await project.setConfig("members", members(2));
    await project.up({
      env: {
        OS_APPLICATION_CREDENTIAL_ID: appCred.id,
        OS_APPLICATION_CREDENTIAL_SECRET: appCred.secret,
      },
    });

    // (3) clouds.yaml + secure.yaml, selected with OS_CLOUD, at the engine's most verbose logging.
    await project.setConfig("members", members(3));
    const verbose = await project.run(
      [
        "up",
        "--yes",
        "--skip-preview",
        "-v=9",
        "--logtostderr",
        "--stack",
        project.stack,
        "--config-file",
        project.configFile,
      ],
      { env: cloudsEnv },
    );
    expect(await real.owner.memberIds(imageId)).toEqual([...projects].sort());
    const tokens = real.keystone.issuedTokens.slice(tokensBefore);
    expect(tokens.length).toBe(3); // one authentication per provider process, three processes
    const logs = verbose.stdout + verbose.stderr;
    expect(logs.length).toBeGreaterThan(10_000);
    for (const secret of [o.password, appCred.secret, ...tokens]) {
      expect(logs.includes(secret)).toBe(false);
    }

    const exported = await project.exportState();
    const everything = exported.text + project.stateFilesText();
    expect(
      exported.deployment.resources?.filter((r) => r.type.endsWith("ImageMember")),
    ).toHaveLength(3);
    for (const secret of [o.password, appCred.secret, ...tokens]) {
      expect(everything.includes(secret)).toBe(false);
    }
    // The serialized provider is in state, small, and holds no code of the provider's layers:
    // a require() of the installed package (the quickstart uses it as users do).
    const providerText = String(
      exported.deployment.resources?.find((r) => r.type.endsWith("ImageMember"))?.outputs
        ?.__provider,
    );
    expect(providerText).toContain(`require("pulumi-image-members/serialized/imageMember")`);
    expect(providerText.length).toBeLessThan(1000);
    expect(providerText).not.toContain("X-Auth-Token");
    console.log(
      `state: ${exported.text.length} bytes for 3 members; serialized provider ${providerText.length} bytes`,
    );
  } finally {
    await runAll([
      () => project.destroy({ allowFailure: true, env: cloudsEnv }),
      () => project.cleanUp(),
      () => appCred.remove(),
      () => fs.rmSync(dir, { recursive: true, force: true }),
    ]);
  }
  expect(await real.owner.memberIds(imageId)).toEqual([]);
});

test("9. a malformed imageId fails preview with the provider's message and sends nothing; a missing image fails up cleanly", async () => {
  const o = real.cloud.identities.owner;
  const project = new PulumiProject(projectRoot, "badinput");
  try {
    await project.init(
      {
        "openstack:authUrl": `${real.keystone.url}/v3`,
        "openstack:userName": o.username,
        "openstack:tenantName": o.projectName,
        "openstack:imageEndpoint": real.glance.url,
        imageId: "not-a-uuid",
        members: JSON.stringify({ a: real.cloud.identities.consumer1.projectId }),
      },
      { "openstack:password": o.password },
    );
    const [keystoneBefore, glanceBefore] = [
      real.keystone.requests.length,
      real.glance.requests.length,
    ];
    const preview = await project.preview({ allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(
      'imageId must be the UUID of an image, like "d164b5df-1bc3-4c3f-893e-3e471fd16e64"; got "not-a-uuid"',
    );
    expect(real.keystone.requests.length).toBe(keystoneBefore);
    expect(real.glance.requests.length).toBe(glanceBefore);

    const missing = randomUUID();
    await project.setConfig("imageId", missing);
    const up = await project.up({ allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(
      `Cannot share image ${missing} with project ${real.cloud.identities.consumer1.projectId}: image ${missing} does not exist or is not visible`,
    );
    const state = await project.exportState();
    expect(
      state.deployment.resources?.filter((r) => r.type.endsWith("ImageMember")) ?? [],
    ).toHaveLength(0);
  } finally {
    await project.destroy({ allowFailure: true });
    project.cleanUp();
  }
});
