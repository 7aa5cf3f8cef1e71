/**
 * Bad input and faults of per-resource identity (issue 12) against a real Keystone + Glance
 * (scripts/local-cloud.sh, or PIM_CLOUD_JSON), each with a message naming the cloud and what
 * to do: an unknown or incomplete clouds.yaml entry, a wrong secure.yaml password, a region
 * the catalog has no image service in, an acceptance for a project the owner does not share
 * with; and the look-ups with a cloud, following the pages of a second glance-api that pages
 * at 2 (limit_param_default=2, api_limit_max=2), reached through the entry's
 * image_endpoint_override. The happy paths: identities.test.ts.
 */
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  getImageMembers,
  getImageMembersOutput,
  getSharedImages,
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { addCloudEntries } from "../support/cloudsYaml";
import { identitiesOnRealCloud, memberRow } from "../support/acceptanceSuite";
import { CountingProxy } from "../support/countingProxy";
import {
  CloudFile,
  configured,
  failure,
  GlanceDriver,
  pagingGlanceUrl,
  stackConfigOf,
} from "../support/realCloud";

const suite = identitiesOnRealCloud("pim-identities-bad-");
const { wrongPassword, expectNoSecret } = suite;
let cloud: CloudFile;
let owner: GlanceDriver;
let consumer1: GlanceDriver;
let ownerId: string;
let consumer1Id: string;
let consumer2Id: string;
beforeAll(() => ({ cloud, owner, consumer1, ownerId, consumer1Id, consumer2Id } = suite));
/** The entries writeCloudsYaml writes, as a "not defined" message lists them. */
const definedClouds = () =>
  Object.keys(cloud.identities)
    .map((name) => `"pim-${name}"`)
    .join(", ");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("an unknown cloud: check fails for every resource, listing the entries clouds.yaml defines; look-ups and a state naming a removed entry say the same", async () => {
  const imageId = await owner.createImage();
  const unknown = (property = "cloud") => ({
    property,
    reason:
      `cloud "pim-nope" (the cloud input) is not defined in ${suite.cloudsFile}; it ` +
      `defines ${definedClouds()}. Add it to that file, or name one of those.`,
  });
  const member = await configured(new ImageMemberProvider());
  const inputs = { imageId, memberId: consumer1Id, cloud: "pim-nope" };
  expect((await member.check(inputs, inputs)).failures).toEqual([unknown()]);
  const acceptance = await configured(new ImageMemberAcceptanceProvider());
  const acceptInputs = { imageId, status: "accepted" as const, cloud: "pim-nope" };
  expect((await acceptance.check(acceptInputs, acceptInputs)).failures).toEqual([unknown()]);
  const members = await configured(new ImageMembersProvider());
  const membersInputs = { imageId, memberIds: [consumer1Id], cloud: "pim-nope" };
  expect((await members.check(membersInputs, membersInputs)).failures).toEqual([unknown()]);

  // Look-ups check the name before any request.
  await expect(getSharedImages({ cloud: "pim-nope" })).rejects.toThrow(
    `Cannot list the images shared with this project (status "accepted") with cloud "pim-nope" ` +
      `(clouds.yaml): ${unknown().reason}`,
  );
  await expect(getImageMembers({ imageId, cloud: "pim-nope" })).rejects.toThrow(
    `Cannot list the members of image ${imageId} with cloud "pim-nope" (clouds.yaml): ${unknown().reason}`,
  );

  // A membership whose state names an entry since removed from clouds.yaml: refresh and
  // destroy fail naming it, and the membership stays in Glance.
  const shared = await member.create({ imageId, memberId: consumer1Id, cloud: "pim-owner" });
  const orphaned = { ...shared.outs!, cloud: "pim-nope" };
  await expect(member.read(shared.id, orphaned)).rejects.toThrow(
    `Cannot read the membership of project ${consumer1Id} in image ${imageId}: ${unknown().reason}`,
  );
  await expect(member.delete(shared.id, orphaned)).rejects.toThrow(
    `Cannot stop sharing image ${imageId} with project ${consumer1Id}: ${unknown().reason}`,
  );
  // ...and say how the name got there and how to get out: put the entry back.
  await expect(member.delete(shared.id, orphaned)).rejects.toThrow(
    /State records this resource with cloud "pim-nope".*Put "pim-nope" back in clouds\.yaml .* nothing was changed\.$/,
  );
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
  await member.delete(shared.id, shared.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);

  // An entry without its password (secure.yaml lacks it): incomplete, and where to complete it.
  addCloudEntries(suite.dir, { "pim-no-password": { like: "pim-owner", password: null } });
  expect((await member.check(inputs, { ...inputs, cloud: "pim-no-password" })).failures).toEqual([
    {
      property: "cloud",
      reason: expect.stringMatching(
        /^cloud "pim-no-password" \(clouds.yaml\): Missing credential: password authentication needs .*Complete that entry in clouds.yaml \(or secure.yaml\)\.$/,
      ),
    },
  ]);
});

test("a wrong password in secure.yaml: Keystone's 401 explained, naming the cloud, nothing shared, the password not shown", async () => {
  addCloudEntries(suite.dir, { "pim-owner-badpw": { like: "pim-owner", password: wrongPassword } });
  const imageId = await owner.createImage();
  const member = await configured(new ImageMemberProvider());
  const inputs = { imageId, memberId: consumer1Id, cloud: "pim-owner-badpw" };
  // check reads clouds.yaml only: the entry is complete, so the 401 comes at create.
  expect((await member.check(inputs, inputs)).failures).toEqual([]);
  const created = await failure(member.create(inputs));
  expect(created.message).toMatch(
    new RegExp(
      `^Cannot share image ${imageId} with project ${consumer1Id}: Keystone rejected the ` +
        `credentials from clouds\\.yaml entry "pim-owner-badpw" of /.*/clouds\\.yaml \\(chosen ` +
        `by the resource's cloud input\\)\\. Check the user, password.*HTTP 401`,
    ),
  );
  expect((created as { id?: string }).id).toBeUndefined();
  expect(await owner.memberIds(imageId)).toEqual([]);

  const lookedUp = await failure(getImageMembers({ imageId, cloud: "pim-owner-badpw" }));
  expect(lookedUp.message).toMatch(
    new RegExp(
      `^Cannot list the members of image ${imageId} with cloud "pim-owner-badpw" \\(clouds.yaml\\): ` +
        `Keystone rejected the credentials from clouds\\.yaml entry "pim-owner-badpw".*HTTP 401`,
    ),
  );
  for (const error of [created, lookedUp]) expectNoSecret({ ...error, message: error.message });
});

test("a cloud in a region without an image service: the catalog's regions and the entry's region_name named; nothing changed", async () => {
  addCloudEntries(suite.dir, {
    "pim-consumer1-elsewhere": {
      like: "pim-consumer1",
      settings: { region_name: "RegionNowhere" },
    },
  });
  const imageId = await owner.createImage();
  await owner.addMember(imageId, consumer1Id);
  const acceptance = await configured(new ImageMemberAcceptanceProvider());
  const inputs = {
    imageId,
    memberId: consumer1Id,
    status: "accepted" as const,
    cloud: "pim-consumer1-elsewhere",
  };
  expect((await acceptance.check(inputs, inputs)).failures).toEqual([]);
  const noEndpoint =
    `The image service has no public endpoint in region "RegionNowhere"; the catalog offers: ` +
    `public@${cloud.region}`;
  const where = `Check the region (region_name of cloud "pim-consumer1-elsewhere" in clouds.yaml, or the resource's region)`;
  const error = await failure(acceptance.create(inputs));
  expect(error.message).toContain(
    `Cannot set the status of image ${imageId} for project ${consumer1Id} to "accepted": ${noEndpoint}`,
  );
  expect(error.message).toContain(where);
  // The stack's variables play no part for a named cloud: the message must not send there.
  expect(error.message).not.toMatch(/OS_REGION_NAME|OS_INTERFACE/);
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("pending");

  // The resource's own region in the catalog makes the same entry work.
  const accepted = await acceptance.create({ ...inputs, region: cloud.region });
  expect(accepted.outs).toMatchObject({ status: "accepted", region: cloud.region });
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("accepted");

  const lookedUp = await failure(
    getSharedImages({ status: "all", cloud: "pim-consumer1-elsewhere" }),
  );
  expect(lookedUp.message).toMatch(
    new RegExp(
      `^Cannot list the images shared with this project \\(status "all"\\) with cloud ` +
        `"pim-consumer1-elsewhere" \\(clouds.yaml\\): ${escape(noEndpoint)}.*${escape(where)}`,
    ),
  );
});

test("an acceptance for a project the owner does not share with: not shared (consumer2's own), or the cloud acts for another project (consumer1's)", async () => {
  const imageId = await owner.createImage();
  await owner.addMember(imageId, consumer1Id);
  const acceptance = await configured(new ImageMemberAcceptanceProvider());

  // consumer2 accepting for itself an image shared only with consumer1.
  for (const memberId of [consumer2Id, undefined]) {
    const error = await failure(
      acceptance.create({ imageId, memberId, status: "accepted", cloud: "pim-consumer2" }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot set the status of image ${imageId} for project ${consumer2Id} to "accepted": ` +
          `image ${imageId} is not shared with project ${consumer2Id} \\(there is no membership ` +
          `to accept or reject yet\\)\\. The image's owner must share it first.*HTTP 404.*` +
          `\\(Credentials used: cloud "pim-consumer2" \\(clouds.yaml\\), from the resource's cloud input\\.\\)$`,
      ),
    );
  }
  // consumer1's membership with consumer2's cloud: the cloud is the mistake, not the share.
  const foreign = await failure(
    acceptance.create({
      imageId,
      memberId: consumer1Id,
      status: "accepted",
      cloud: "pim-consumer2",
    }),
  );
  expect(foreign.message).toMatch(
    new RegExp(
      `^Cannot set the status of image ${imageId} for project ${consumer1Id} to "accepted": ` +
        `cloud "pim-consumer2" \\(clouds.yaml\\) acts for project ${consumer2Id}, but only the ` +
        `member project ${consumer1Id} can accept or reject its membership\\. Name a clouds.yaml ` +
        `entry whose credentials are scoped to project ${consumer1Id}\\..*HTTP 404`,
    ),
  );
  // The owner's cloud for consumer1's membership: Glance's 403, explained the same way.
  const byOwner = await failure(
    acceptance.create({ imageId, memberId: consumer1Id, status: "accepted", cloud: "pim-owner" }),
  );
  expect(byOwner.message).toMatch(
    new RegExp(
      `cloud "pim-owner" \\(clouds.yaml\\) acts for project ${ownerId}, but only the member ` +
        `project ${consumer1Id} can accept or reject its membership.*HTTP 403`,
    ),
  );
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
  expect(await consumer1.memberStatus(imageId, consumer1Id)).toBe("pending");
});

describe("look-ups with a cloud, on a glance-api that pages at 2", () => {
  let pagingGlance: CountingProxy;
  const name = `pim-identities-lookup-${randomUUID().slice(0, 8)}`;
  const images: string[] = [];
  let consumer2Image: string;

  beforeAll(async () => {
    pagingGlance = new CountingProxy(pagingGlanceUrl());
    await pagingGlance.start();
    // 5 images shared with consumer1: 1 accepted, 1 rejected, 3 pending; 1 more shared with
    // consumer2 only, which consumer1 must not see.
    for (let i = 0; i < 5; i += 1) {
      const imageId = await owner.createImage("shared", name);
      await owner.addMember(imageId, consumer1Id);
      images.push(imageId);
    }
    await consumer1.setMemberStatus(images[0], consumer1Id, "accepted");
    await consumer1.setMemberStatus(images[1], consumer1Id, "rejected");
    consumer2Image = await owner.createImage("shared", name);
    await owner.addMember(consumer2Image, consumer2Id);
  });
  afterAll(() => pagingGlance?.stop());

  function imagePages(): number {
    return pagingGlance.requests.filter((r) => r.method === "GET" && r.path === "/v2/images")
      .length;
  }

  test("getSharedImages({ cloud, status: all }) follows the pages with the cloud's identity, not the stack's; getImageMembers({ cloud }) as the owner", async () => {
    addCloudEntries(suite.dir, {
      "pim-consumer1-paging": {
        like: "pim-consumer1",
        settings: { image_endpoint_override: pagingGlance.url },
      },
    });
    // The program's stack is consumer2's, on the ordinary Glance: the cloud alone must count.
    pulumi.runtime.setAllConfig(stackConfigOf(cloud.identities.consumer2), ["openstack:password"]);

    const before = imagePages();
    const all = await getSharedImages({ cloud: "pim-consumer1-paging", status: "all", name });
    const statusOf = (id: string) =>
      id === images[0] ? "accepted" : id === images[1] ? "rejected" : "pending";
    expect(all.images.map((i) => [i.id, i.status]).sort()).toEqual(
      images.map((id) => [id, statusOf(id)]).sort(),
    );
    for (const image of all.images) {
      expect(image).toMatchObject({ name, ownerProjectId: ownerId, visibility: "shared" });
    }
    // One listing per status: accepted 1 (one page), rejected 1 (one), pending 3 (2 + 1).
    expect(imagePages() - before).toBe(4);

    const pendingBefore = imagePages();
    const pending = await getSharedImages({
      cloud: "pim-consumer1-paging",
      status: "pending",
      name,
    });
    expect(pending.images.map((i) => i.id).sort()).toEqual(images.slice(2).sort());
    expect(imagePages() - pendingBefore).toBe(2);

    // Without the cloud the look-up is the stack's (consumer2's): only its own image.
    const stacks = await getSharedImages({ status: "all", name });
    expect(stacks.images.map((i) => [i.id, i.status])).toEqual([[consumer2Image, "pending"]]);

    // getImageMembers with the owner's cloud sees every member; consumer2's stack sees nothing.
    expect(await getImageMembers({ imageId: images[1], cloud: "pim-owner" })).toEqual({
      imageId: images[1],
      members: [memberRow(consumer1Id, "rejected")],
    });
    const viaOutput = await new Promise<{ members: { memberId: string }[] }>((resolve) =>
      getImageMembersOutput({
        imageId: pulumi.output(images[0]),
        cloud: pulumi.output("pim-consumer1"),
      }).apply(resolve),
    );
    expect(viaOutput.members).toEqual([
      expect.objectContaining({ memberId: consumer1Id, status: "accepted" }),
    ]);
    await expect(getImageMembers({ imageId: images[1] })).rejects.toThrow(
      new RegExp(`image ${images[1]} does not exist or is not visible to project ${consumer2Id}`),
    );
    expectNoSecret([all, pending, stacks]);
  });
});
