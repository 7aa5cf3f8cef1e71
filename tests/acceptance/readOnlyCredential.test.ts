/**
 * The read-only credential of the GitOps example's pull-request and drift jobs, against the
 * real Keystone + Glance: an application credential of the owner whose access rules allow
 * only GETs, made on the cloud under test (realCloud's readOnlyCredential, the code of
 * scripts/local-cloud.sh read-only-credential). The provider reads members with
 * it; a member it tries to add is refused by Glance itself (401), explained as a credential
 * that cannot write, and Glance is left as it was.
 */
import * as fs from "fs";
import { ImageMemberProvider } from "../../provider";
import { onRealCloud } from "../support/acceptanceSuite";
import {
  CloudFile,
  configureRequest,
  failure,
  GlanceDriver,
  readOnlyCredential,
} from "../support/realCloud";

const real = onRealCloud();

let cloud: CloudFile;
let owner: GlanceDriver;
let file: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ cloud, owner } = real);
  ({ file, env } = await readOnlyCredential());
});

test("the credential file: an application credential, its secret kept to a 0600 file", async () => {
  expect(env.OS_AUTH_TYPE).toBe("v3applicationcredential");
  expect(env.OS_AUTH_URL).toBe(cloud.authUrl);
  expect(env.OS_APPLICATION_CREDENTIAL_ID).toMatch(/^[0-9a-f]{32}$/);
  expect(env.OS_APPLICATION_CREDENTIAL_SECRET?.length).toBeGreaterThan(20);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  // Made on the cloud under test, the owner's: its Keystone lists it with GET-only rules.
  const owner = cloud.identities.owner;
  const login = await fetch(`${cloud.authUrl}/auth/tokens?nocatalog`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: {
              name: owner.username,
              domain: { name: owner.userDomainName },
              password: owner.password,
            },
          },
        },
        scope: { project: { name: owner.projectName, domain: { name: owner.projectDomainName } } },
      },
    }),
  });
  const listed = await fetch(
    `${cloud.authUrl}/users/${owner.userId}/application_credentials/${env.OS_APPLICATION_CREDENTIAL_ID}`,
    { headers: { "X-Auth-Token": login.headers.get("x-subject-token")! } },
  );
  expect(listed.status).toBe(200);
  const { application_credential: made } = (await listed.json()) as {
    application_credential: { access_rules: { method: string; path: string }[] };
  };
  expect(made.access_rules.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
    "GET /v2/images",
    "GET /v2/images/**",
  ]);
  // Asked again, the credential that still works is kept: same id, the same file.
  const again = await readOnlyCredential();
  expect(again.file).toBe(file);
  expect(again.env.OS_APPLICATION_CREDENTIAL_ID).toBe(env.OS_APPLICATION_CREDENTIAL_ID);
});

test("with it the provider reads a member (200), and adding one is refused by Glance (401): the credential cannot write; Glance unchanged", async () => {
  const imageId = await owner.createImage();
  const reader = cloud.identities.consumer1.projectId;
  const stranger = cloud.identities.consumer2.projectId;
  await owner.addMember(imageId, reader);

  const provider = new ImageMemberProvider();
  await provider.configure(
    configureRequest({
      "openstack:authUrl": env.OS_AUTH_URL,
      "openstack:authType": env.OS_AUTH_TYPE,
      "openstack:applicationCredentialId": env.OS_APPLICATION_CREDENTIAL_ID,
      "openstack:applicationCredentialSecret": env.OS_APPLICATION_CREDENTIAL_SECRET,
      "openstack:region": env.OS_REGION_NAME,
    }),
  );

  const read = await provider.read(`${imageId}/${reader}`, { imageId, memberId: reader });
  expect(read.id).toBe(`${imageId}/${reader}`);
  expect(read.props).toMatchObject({ imageId, memberId: reader, status: "pending" });

  const refused = await failure(provider.create({ imageId, memberId: stranger }));
  console.log(`adding a member with the read-only credential:\n${refused.message}`);
  expect(refused.message).toContain(`Cannot share image ${imageId} with project ${stranger}`);
  expect(refused.message).toContain("the credentials cannot write");
  expect(refused.message).toContain("HTTP 401");
  expect(refused.message).not.toContain(env.OS_APPLICATION_CREDENTIAL_SECRET);
  expect(await owner.memberIds(imageId)).toEqual([reader]);
});
