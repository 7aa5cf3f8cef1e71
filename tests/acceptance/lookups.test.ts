/**
 * The look-ups against a real Keystone + Glance (scripts/local-cloud.sh, or PIM_CLOUD_JSON):
 * the owner shares 5 images with consumer1, consumer1 accepts 2, and consumer1 looks them up
 * by status through a second glance-api that pages at 2 (limit_param_default=2,
 * api_limit_max=2), counting the pages at a proxy in front of it.
 */
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  getImageMembers,
  getSharedImages,
  getSharedImagesOutput,
  SharedImageStatus,
} from "../../provider";
import { memberRow, onRealCloud } from "../support/acceptanceSuite";
import { CountingProxy } from "../support/countingProxy";
import { CloudFile, GlanceDriver, pagingGlanceUrl, stackConfigOf } from "../support/realCloud";

const real = onRealCloud({ timeout: 180_000, programs: true });

let cloud: CloudFile;
let owner: GlanceDriver;
let pagingGlance: CountingProxy;
// A colon in the name: Glance reads "a:b" as an operator unless it is sent as "eq:a:b".
const name = `pim-lookup:${randomUUID().slice(0, 8)}`;
const images: string[] = [];
let consumer1Id: string;

/** The program's stack config for `identity`, on the glance-api that pages at 2. */
function programAs(identity: "owner" | "consumer1" | "consumer2"): void {
  pulumi.runtime.setAllConfig(
    stackConfigOf(cloud.identities[identity], { "openstack:imageEndpoint": pagingGlance.url }),
    ["openstack:password"],
  );
}

function imagePages(): number {
  return pagingGlance.requests.filter((r) => r.method === "GET" && r.path === "/v2/images").length;
}

beforeAll(async () => {
  ({ cloud, owner } = real);
  consumer1Id = cloud.identities.consumer1.projectId;
  pagingGlance = new CountingProxy(pagingGlanceUrl());
  await pagingGlance.start();

  const consumer1 = new GlanceDriver(cloud, cloud.identities.consumer1);
  for (let i = 0; i < 5; i += 1) {
    const imageId = await owner.createImage("shared", name);
    await owner.addMember(imageId, consumer1Id);
    images.push(imageId);
  }
  for (const imageId of images.slice(0, 2)) {
    await consumer1.setMemberStatus(imageId, consumer1Id, "accepted");
  }
});
afterAll(async () => {
  await pagingGlance?.stop();
});

test("consumer1 finds the images shared with it by status, across pages of 2", async () => {
  programAs("consumer1");
  const accepted = images.slice(0, 2).sort();
  const pending = images.slice(2).sort();
  const cases: [SharedImageStatus, string[], number][] = [
    ["accepted", accepted, 2], // a full page of 2, then an empty one
    ["pending", pending, 2], // 2 + 1
    ["rejected", [], 1],
    ["all", images.slice().sort(), 5], // the three listings: 2 + 2 + 1
  ];
  for (const [status, expected, pages] of cases) {
    const before = imagePages();
    const result = await getSharedImages({ status, name });
    expect(result.images.map((i) => i.id).sort()).toEqual(expected);
    expect(imagePages() - before).toBe(pages);
    for (const image of result.images) {
      expect(image).toMatchObject({
        name,
        ownerProjectId: cloud.identities.owner.projectId,
        visibility: "shared",
        status: accepted.includes(image.id) ? "accepted" : "pending",
      });
      expect(image.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  }
  // The default is accepted, and the Output form gives the same.
  expect((await getSharedImages({ name })).images.map((i) => i.id).sort()).toEqual(accepted);
  const viaOutput = await new Promise<{ images: { id: string }[] }>((resolve) =>
    getSharedImagesOutput({ name: pulumi.output(name), status: "pending" }).apply(resolve),
  );
  expect(viaOutput.images.map((i) => i.id).sort()).toEqual(pending);
});

test("the owner's own shared images, which Glance lists too, are not reported as shared with it", async () => {
  programAs("owner");
  const glance = await owner.session.imageService();
  const listed = await owner.session.http.request({
    method: "GET",
    url: `${glance.endpoint}/v2/images?visibility=shared&member_status=all&name=${encodeURIComponent(`eq:${name}`)}`,
    authorizer: owner.session,
  });
  expect((listed.body as { images: unknown[] }).images).toHaveLength(5);
  expect((await getSharedImages({ status: "all", name })).images).toEqual([]);
});

test("getImageMembers: the owner sees the member, consumer1 its own row; 404 and 403 explained", async () => {
  programAs("owner");
  expect(await getImageMembers({ imageId: images[4] })).toEqual({
    imageId: images[4],
    members: [memberRow(consumer1Id, "pending")],
  });
  const privateImage = await owner.createImage("private");
  await expect(getImageMembers({ imageId: privateImage })).rejects.toThrow(
    new RegExp(
      `Cannot list the members of image ${privateImage}: image ${privateImage} is not shared.*` +
        `HTTP 403, "Not allowed to list members for image ${privateImage}: Only shared images have members."`,
    ),
  );

  programAs("consumer1");
  expect((await getImageMembers({ imageId: images[0] })).members).toEqual([
    expect.objectContaining({ memberId: consumer1Id, status: "accepted" }),
  ]);
  programAs("consumer2");
  await expect(getImageMembers({ imageId: images[0] })).rejects.toThrow(
    new RegExp(
      `image ${images[0]} does not exist or is not visible to project ` +
        `${cloud.identities.consumer2.projectId}.*HTTP 404, "Image ${images[0]} not found."`,
    ),
  );
});
