/**
 * Per-resource identity (issue 12) against a real Keystone + Glance (scripts/local-cloud.sh, or
 * PIM_CLOUD_JSON): resources name clouds.yaml entries (`pim-owner`, `pim-consumer1`,
 * `pim-consumer2`, written with their secure.yaml into each test's own folder) instead of using
 * the stack's credentials. The owner's share and the member's acceptance run in one process,
 * authentications are counted at Keystone, a cloud switch is judged at diff, and a failed
 * acceptance leaves the share whole. Bad input and faults: identitiesBadInput.test.ts.
 */
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  getImageMembers,
  getSharedImages,
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { addCloudEntries, setSecurePassword, writeCloudsYaml } from "../support/cloudsYaml";
import { identitiesOnRealCloud } from "../support/acceptanceSuite";
import { CountingProxy } from "../support/countingProxy";
import {
  CloudFile,
  configured,
  failure,
  GlanceDriver,
  secretsShownIn,
  stackConfigOf,
} from "../support/realCloud";

const suite = identitiesOnRealCloud("pim-identities-");
const { wrongPassword, closeAfterTest, expectNoSecret } = suite;
let cloud: CloudFile;
let owner: GlanceDriver;
let consumer1: GlanceDriver;
let ownerId: string;
let consumer1Id: string;
let consumer2Id: string;
let secrets: Record<string, string>;
beforeAll(() => ({ cloud, owner, consumer1, ownerId, consumer1Id, consumer2Id, secrets } = suite));

/** A new image of the owner, and the providers that share it and accept it (no stack config). */
async function imageToShareAndAccept() {
  return {
    imageId: await owner.createImage(),
    share: await configured(new ImageMemberProvider()),
    accept: await configured(new ImageMemberAcceptanceProvider()),
  };
}

/** Everything a failure carries to the engine and the user: its message and own properties. */
function shown(error: Error): unknown {
  return { ...error, message: error.message };
}

test("no stack credentials: ImageMember with cloud pim-owner shares, ImageMemberAcceptance with cloud pim-consumer1 accepts, delete resets then unshares", async () => {
  const { imageId, share, accept } = await imageToShareAndAccept();

  const shareInputs = { imageId, memberId: consumer1Id, cloud: "pim-owner" };
  expect(await share.check(shareInputs, shareInputs)).toEqual({
    inputs: shareInputs,
    failures: [],
  });
  const shared = await share.create(shareInputs);
  expect(shared).toMatchObject({
    id: `${imageId}/${consumer1Id}`,
    outs: { ...shareInputs, status: "pending", managingProjectId: ownerId },
  });
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);

  // As ImageShare's accept declares it: the member's id, its cloud.
  const acceptInputs = {
    imageId,
    memberId: consumer1Id,
    status: "accepted" as const,
    cloud: "pim-consumer1",
  };
  expect((await accept.check(acceptInputs, acceptInputs)).failures).toEqual([]);
  const accepted = await accept.create(acceptInputs);
  expect(accepted).toMatchObject({
    id: `${imageId}/${consumer1Id}`,
    outs: { ...acceptInputs, managingProjectId: consumer1Id },
  });
  // Read back from Glance with consumer1's own token, and the owner sees it too.
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("accepted");
  expect(await owner.memberStatus(imageId, consumer1Id)).toBe("accepted");

  // Refresh and a preview of the unchanged program, each resource with its own cloud.
  const shareRead = await share.read(shared.id, shared.outs!);
  expect(shareRead.props).toMatchObject({ status: "accepted", cloud: "pim-owner" });
  expect(shareRead.inputs).toEqual(shareInputs);
  const acceptRead = await accept.read(accepted.id, accepted.outs!);
  expect(acceptRead.props).toMatchObject({ status: "accepted", cloud: "pim-consumer1" });
  expect(await share.diff(shared.id, shareRead.props!, shareInputs)).toMatchObject({
    changes: false,
  });
  expect(await accept.diff(accepted.id, acceptRead.props!, acceptInputs)).toMatchObject({
    changes: false,
  });
  for (const value of [shared, accepted, shareRead, acceptRead]) expectNoSecret(value);

  // Destroy in the engine's order: the acceptance (reset to rejected), then the share.
  await accept.delete(accepted.id, acceptRead.props!);
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("rejected");
  await share.delete(shared.id, shareRead.props!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});

test("a resource's cloud ignores the stack's credentials and stray OS_* variables entirely", async () => {
  // The stack is consumer2's, and the shell says consumer2 with a wrong password, another
  // region and a Keystone that does not answer: none of it may leak into cloud pim-owner.
  const stray = {
    OS_AUTH_URL: "http://127.0.0.1:9/v3",
    OS_USERNAME: cloud.identities.consumer2.username,
    OS_PASSWORD: wrongPassword,
    OS_PROJECT_NAME: cloud.identities.consumer2.projectName,
    OS_REGION_NAME: "RegionNowhere",
    OS_CLOUD: "pim-consumer2",
  };
  Object.assign(process.env, stray);
  closeAfterTest(() => {
    for (const key of Object.keys(stray)) delete process.env[key];
  });
  const imageId = await owner.createImage();
  const share = await configured(
    new ImageMemberProvider(),
    stackConfigOf(cloud.identities.consumer2),
  );
  const shared = await share.create({ imageId, memberId: consumer1Id, cloud: "pim-owner" });
  expect(shared.outs).toMatchObject({ managingProjectId: ownerId, cloud: "pim-owner" });
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
  await share.delete(shared.id, shared.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});

test("one Keystone authentication per identity: 3 resources with pim-owner, 3 with pim-consumer1 and look-ups authenticate twice (counted at Keystone)", async () => {
  const keystone = new CountingProxy(cloud.keystoneUrl);
  await keystone.start();
  closeAfterTest(() => keystone.stop());
  // Every identity through this test's own Keystone proxy: a new auth URL is a new identity
  // for the process-wide session cache, so sessions of other tests cannot hide a request.
  const viaProxy: CloudFile = {
    ...cloud,
    identities: Object.fromEntries(
      Object.entries(cloud.identities).map(([name, i]) => [
        name,
        { ...i, authUrl: `${keystone.url}/v3` },
      ]),
    ) as CloudFile["identities"],
  };
  writeCloudsYaml(viaProxy, suite.dir);
  // The stack's own credentials (owner's, through the proxy too) are never needed.
  const stack = stackConfigOf(viaProxy.identities.owner);
  pulumi.runtime.setAllConfig(stack, ["openstack:password"]);

  const name = `pim-identities-count-${randomUUID().slice(0, 8)}`;
  const images = [
    await owner.createImage("shared", name),
    await owner.createImage("shared", name),
    await owner.createImage("shared", name),
  ];
  // Owner side: two ImageMember and one ImageMembers, each with its own provider instance
  // as the engine loads them, all at once.
  const shares = await Promise.all([
    ...images.slice(0, 2).map(async (imageId) => {
      const provider = await configured(new ImageMemberProvider(), stack);
      const inputs = { imageId, memberId: consumer1Id, cloud: "pim-owner" };
      const created = await provider.create(inputs);
      return {
        read: () => provider.read(created.id, created.outs!),
        delete: () => provider.delete(created.id, created.outs!),
        outs: created.outs as unknown,
      };
    }),
    (async () => {
      const provider = await configured(new ImageMembersProvider(), stack);
      const inputs = { imageId: images[2], memberIds: [consumer1Id], cloud: "pim-owner" };
      const created = await provider.create(inputs);
      return {
        read: () => provider.read(created.id, created.outs!),
        delete: () => provider.delete(created.id, created.outs!),
        outs: created.outs as unknown,
      };
    })(),
  ]);
  // Member side: three acceptances with consumer1's cloud, all at once.
  const acceptances = await Promise.all(
    images.map(async (imageId) => {
      const provider = await configured(new ImageMemberAcceptanceProvider(), stack);
      const created = await provider.create({
        imageId,
        memberId: consumer1Id,
        status: "accepted",
        cloud: "pim-consumer1",
      });
      return {
        read: () => provider.read(created.id, created.outs!),
        delete: () => provider.delete(created.id, created.outs!),
        outs: created.outs as unknown,
      };
    }),
  );
  for (const imageId of images) {
    expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("accepted");
  }
  // A refresh of all six, and the two look-ups with the same clouds.
  const reads = await Promise.all([...shares, ...acceptances].map((r) => r.read()));
  expect(reads.map((r) => JSON.stringify(r.props)).join()).not.toMatch(/pending|rejected/);
  expect((await getImageMembers({ imageId: images[0], cloud: "pim-owner" })).members).toEqual([
    expect.objectContaining({ memberId: consumer1Id, status: "accepted" }),
  ]);
  const found = await getSharedImages({ name, cloud: "pim-consumer1" });
  expect(found.images.map((i) => i.id).sort()).toEqual([...images].sort());

  await Promise.all(acceptances.map((r) => r.delete()));
  await Promise.all(shares.map((r) => r.delete()));
  for (const imageId of images) expect(await owner.memberIds(imageId)).toEqual([]);

  expect(keystone.count("POST", /\/v3\/auth\/tokens$/)).toBe(2);
  expect(keystone.requests).toHaveLength(2);
  expect(keystone.issuedTokens).toHaveLength(2);
  // Neither token nor any password is in what goes to state.
  const tokens = Object.fromEntries(keystone.issuedTokens.map((t, i) => [`token ${i + 1}`, t]));
  const state = [...shares, ...acceptances].map((r) => r.outs).concat(reads);
  expect(secretsShownIn(state, { ...secrets, ...tokens })).toEqual([]);
});

test("diff: another clouds.yaml name for the same project is no change; another project's cloud stops the preview, naming both, and nothing changes", async () => {
  addCloudEntries(suite.dir, {
    "pim-owner-alias": { like: "pim-owner" },
    "pim-consumer1-alias": { like: "pim-consumer1" },
  });
  const stack = stackConfigOf(cloud.identities.owner);
  const imageId = await owner.createImage();
  const share = await configured(new ImageMemberProvider(), stack);
  const accept = await configured(new ImageMemberAcceptanceProvider(), stack);
  const shareInputs = { imageId, memberId: consumer1Id, cloud: "pim-owner" };
  const acceptInputs = {
    imageId,
    memberId: consumer1Id,
    status: "accepted" as const,
    cloud: "pim-consumer1",
  };
  const shared = await share.create(shareInputs);
  const accepted = await accept.create(acceptInputs);
  const noChange = { changes: false, replaces: [], deleteBeforeReplace: false };

  // The same project under another name, or (for the share) the stack's owner credentials.
  expect(
    await share.diff(shared.id, shared.outs!, { ...shareInputs, cloud: "pim-owner-alias" }),
  ).toEqual(noChange);
  expect(await share.diff(shared.id, shared.outs!, { imageId, memberId: consumer1Id })).toEqual(
    noChange,
  );
  expect(
    await accept.diff(accepted.id, accepted.outs!, {
      ...acceptInputs,
      cloud: "pim-consumer1-alias",
    }),
  ).toEqual(noChange);

  // Another project's cloud: an error at preview naming both clouds and both projects.
  const acceptSwitch = await failure(
    accept.diff(accepted.id, accepted.outs!, { ...acceptInputs, cloud: "pim-consumer2" }),
  );
  expect(acceptSwitch.message).toMatch(
    new RegExp(
      `^Cannot change the cloud of the acceptance of image ${imageId} by project ${consumer1Id}: ` +
        `cloud "pim-consumer2" \\(clouds.yaml\\) would act for project ${consumer2Id}, but this resource ` +
        `was made with the credentials of project ${consumer1Id} \\(cloud "pim-consumer1" ` +
        `\\(clouds.yaml\\)\\)\\. Only the member project ${consumer1Id} can accept or reject its ` +
        `membership.* Nothing was changed\\. Name a clouds.yaml entry for project ${consumer1Id}`,
    ),
  );
  const shareSwitch = await failure(
    share.diff(shared.id, shared.outs!, { ...shareInputs, cloud: "pim-consumer1" }),
  );
  expect(shareSwitch.message).toMatch(
    new RegExp(
      `^Cannot change the cloud of the membership of project ${consumer1Id} in image ${imageId}: ` +
        `cloud "pim-consumer1" \\(clouds.yaml\\) would act for project ${consumer1Id}, but this resource ` +
        `was made with the credentials of project ${ownerId} \\(cloud "pim-owner" \\(clouds.yaml\\)\\)\\. ` +
        `Only the image's owner project can remove its members.* Nothing was changed\\.`,
    ),
  );
  for (const error of [acceptSwitch, shareSwitch]) expectNoSecret(shown(error));
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("accepted");

  // The alias really acts for consumer1: an update through it reaches Glance, and the
  // resource, now recorded with the alias, resets and unshares as before.
  const rejected = await accept.update(accepted.id, accepted.outs!, {
    ...acceptInputs,
    status: "rejected",
    cloud: "pim-consumer1-alias",
  });
  expect(rejected.outs).toMatchObject({
    status: "rejected",
    cloud: "pim-consumer1-alias",
    managingProjectId: consumer1Id,
  });
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("rejected");
  await accept.delete(accepted.id, { ...rejected.outs!, statusOnDelete: "pending" });
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("pending");
  await share.delete(shared.id, shared.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});

test("nothing half-shared: an acceptance failing on a wrong secure.yaml password leaves the share in Glance and state; fixed, the next create accepts", async () => {
  setSecurePassword(suite.dir, "pim-consumer1", wrongPassword);
  const { imageId, share, accept } = await imageToShareAndAccept();
  const shareInputs = { imageId, memberId: consumer1Id, cloud: "pim-owner" };
  const acceptInputs = {
    imageId,
    memberId: consumer1Id,
    status: "accepted" as const,
    cloud: "pim-consumer1",
  };
  const shared = await share.create(shareInputs);

  // check cannot know a password is wrong (it sends nothing); create meets Keystone's 401.
  expect((await accept.check(acceptInputs, acceptInputs)).failures).toEqual([]);
  const failed = await failure(accept.create(acceptInputs));
  expect(failed.message).toMatch(
    new RegExp(
      `^Cannot set the status of image ${imageId} for project ${consumer1Id} to "accepted": ` +
        `Keystone rejected the credentials from clouds\\.yaml entry "pim-consumer1" of /.*/clouds\\.yaml ` +
        `\\(chosen by the resource's cloud input\\)\\. Check the user, password.*HTTP 401`,
    ),
  );
  // Not created: nothing for the engine to keep in state.
  expect((failed as { id?: string }).id).toBeUndefined();
  expectNoSecret(shown(failed));

  // The share is whole, in Glance and in the member resource's refresh.
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("pending");
  const shareRead = await share.read(shared.id, shared.outs!);
  expect(shareRead.props).toEqual(shared.outs);
  expect(await share.diff(shared.id, shareRead.props!, shareInputs)).toMatchObject({
    changes: false,
  });

  // The password fixed, the next pulumi up creates the acceptance.
  setSecurePassword(suite.dir, "pim-consumer1", cloud.identities.consumer1.password);
  const accepted = await accept.create(acceptInputs);
  expect(accepted.outs).toMatchObject({ status: "accepted", managingProjectId: consumer1Id });
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("accepted");

  await accept.delete(accepted.id, accepted.outs!);
  await share.delete(shared.id, shared.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});

test("secrets: state keeps the cloud's name only, and no password of secure.yaml is in outs, reads or errors", async () => {
  setSecurePassword(suite.dir, "pim-consumer2", wrongPassword);
  const { imageId, share, accept } = await imageToShareAndAccept();
  const shared = await share.create({ imageId, memberId: consumer1Id, cloud: "pim-owner" });
  const accepted = await accept.create({ imageId, status: "accepted", cloud: "pim-consumer1" });
  const members = await configured(new ImageMembersProvider());
  const listed = await members.read(imageId, {
    imageId,
    cloud: "pim-owner",
    members: [{ memberId: consumer1Id, status: "pending", createdAt: "", updatedAt: "" }],
  });

  // Outputs are Glance's fields, the cloud's name and the project it acts for; nothing else.
  expect(Object.keys(shared.outs!).sort()).toEqual(
    [
      "cloud",
      "createdAt",
      "imageId",
      "managingProjectId",
      "memberId",
      "status",
      "updatedAt",
    ].sort(),
  );
  expect(Object.keys(accepted.outs!).sort()).toEqual(
    [
      "cloud",
      "createdAt",
      "imageId",
      "managingProjectId",
      "memberId",
      "schema",
      "status",
      "updatedAt",
    ].sort(),
  );

  const errors = [
    // Wrong password (consumer2's entry), for a create and a diff that must authenticate.
    await failure(accept.create({ imageId, status: "accepted", cloud: "pim-consumer2" })),
    await failure(
      accept.diff(accepted.id, accepted.outs!, {
        imageId,
        status: "accepted",
        cloud: "pim-consumer2",
      }),
    ),
    // Another project's cloud at diff, and an acceptance of another project's membership.
    await failure(share.diff(shared.id, shared.outs!, { ...shared.outs!, cloud: "pim-consumer1" })),
    await failure(
      accept.create({ imageId, memberId: consumer2Id, status: "accepted", cloud: "pim-owner" }),
    ),
  ];
  expect(errors.map((e) => e.message)).toEqual([
    expect.stringMatching(
      /Keystone rejected the credentials from clouds\.yaml entry "pim-consumer2"/,
    ),
    expect.stringMatching(
      /Keystone rejected the credentials from clouds\.yaml entry "pim-consumer2"/,
    ),
    expect.stringMatching(/cloud "pim-consumer1" \(clouds.yaml\) would act for project/),
    expect.stringMatching(/cloud "pim-owner" \(clouds.yaml\) acts for project/),
  ]);
  const check = await accept.check(
    { imageId, status: "accepted" },
    { imageId, status: "accepted", cloud: "pim-unknown" },
  );
  expect(check.failures).toHaveLength(1);

  for (const value of [shared, accepted, listed, check, ...errors.map(shown)]) {
    expectNoSecret(value);
  }
  await accept.delete(accepted.id, accepted.outs!);
  await share.delete(shared.id, shared.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});
