/**
 * `pulumi import` of a membership or an image that does not exist: the read of a resource
 * with no state fails, saying what is missing and how to list what exists, rather than
 * answering "gone", which the engine reports as a provider that cannot import at all. A
 * refresh (state given) that finds the membership gone still answers "gone".
 */
import {
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { FakeCloud } from "../support/fakeCloud";
import { passwordConfig, withoutOpenStackEnv } from "../support/providerHarness";

withoutOpenStackEnv();

describe("import of what does not exist", () => {
  let cloud: FakeCloud;
  const missingImage = "0c1d2e3f-0000-4000-8000-000000000404";

  beforeEach(async () => {
    cloud = new FakeCloud();
    await cloud.start();
  });
  afterEach(() => cloud.stop());

  async function configured<T extends { configure(r: unknown): Promise<void> }>(
    provider: T,
    project = "owner",
  ): Promise<T> {
    await provider.configure(passwordConfig(cloud, project));
    return provider;
  }

  test("ImageMember: a project that is no member of the image", async () => {
    const image = cloud.addImage("owner");
    const provider = await configured(new ImageMemberProvider());
    const id = `${image.id}/p-nobody`;
    await expect(provider.read(id, {})).rejects.toThrow(
      new RegExp(
        `^Cannot import ImageMember ${id}: project p-nobody is not a member of image ${image.id}: ` +
          `the image service has no such membership, so there is nothing to import\\. List the ` +
          `image's members with \`openstack image member list ${image.id}\` \\(as its owner ` +
          `project\\) and import one of them as ${image.id}/<member project id>\\. ` +
          `\\(server said: HTTP 404, "p-nobody not found in the member list`,
      ),
    );
  });

  test("ImageMember: an image that does not exist", async () => {
    const provider = await configured(new ImageMemberProvider());
    await expect(provider.read(`${missingImage}/p1`, {})).rejects.toThrow(
      new RegExp(
        `^Cannot import ImageMember ${missingImage}/p1: image ${missingImage} does not exist or ` +
          `is not visible to project ${cloud.project("owner").id}, so there is nothing to import\\. ` +
          `Check the id and the region \\(openstack image show ${missingImage}\\).*HTTP 404`,
      ),
    );
  });

  test("ImageMembers: an image that does not exist", async () => {
    const provider = await configured(new ImageMembersProvider());
    await expect(provider.read(missingImage, {})).rejects.toThrow(
      new RegExp(
        `^Cannot import ImageMembers ${missingImage}: image ${missingImage} does not exist or is ` +
          `not visible to project .*the id to import is <image id>\\..*HTTP 404, "Image ${missingImage} not found`,
      ),
    );
  });

  test("ImageMemberAcceptance: the image is not shared with the member project", async () => {
    const image = cloud.addImage("owner");
    const consumer = cloud.project("consumer1").id;
    const provider = await configured(new ImageMemberAcceptanceProvider(), "consumer1");
    await expect(provider.read(`${image.id}/${consumer}`, {})).rejects.toThrow(
      new RegExp(
        `^Cannot import ImageMemberAcceptance ${image.id}/${consumer}: image ${image.id} does not ` +
          `exist or is not visible to project ${consumer}.*use the credentials of the image's member project`,
      ),
    );
  });

  test("a refresh (state given) of a membership deleted by hand still answers gone", async () => {
    const image = cloud.addImage("owner");
    const provider = await configured(new ImageMemberProvider());
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    cloud.members.set(image.id, []);
    expect(await provider.read(created.id, created.outs)).toEqual({});
    const many = await configured(new ImageMembersProvider());
    expect(await many.read(missingImage, { imageId: missingImage, members: [] })).toEqual({});
  });
});
