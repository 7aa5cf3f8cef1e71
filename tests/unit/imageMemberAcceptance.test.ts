import { ImageMemberAcceptanceProvider } from "../../provider";
import { onFakeCloud, passwordConfig, stackConfig } from "../support/providerHarness";

describe("ImageMemberAcceptance provider against the fake cloud", () => {
  const fake = onFakeCloud();

  async function providerAs(project: string) {
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(passwordConfig(fake.cloud, project));
    return provider;
  }

  function share(imageId: string, project: string) {
    fake.cloud.shareByHand(imageId, fake.cloud.project(project).id);
  }

  /** An image the owner shares with consumer1, and consumer1's provider (`me`: its id). */
  async function sharedWithConsumer1() {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    const me = fake.cloud.project("consumer1").id;
    return { image, me, provider: await providerAs("consumer1") };
  }

  test("the member project accepts (memberId defaults to its own project), changes its mind, and resets on delete", async () => {
    const { image, me, provider } = await sharedWithConsumer1();

    const created = await provider.create({ imageId: image.id, status: "accepted" });
    expect(created).toMatchObject({
      id: `${image.id}/${me}`,
      outs: { memberId: me, status: "accepted" },
    });
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");

    const diff = await provider.diff(created.id, created.outs!, {
      imageId: image.id,
      status: "rejected",
    });
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await provider.update(created.id, created.outs!, {
      imageId: image.id,
      status: "rejected",
    });
    expect(updated.outs?.status).toBe("rejected");

    fake.cloud.members.get(image.id)![0].status = "pending"; // changed out of band
    const read = await provider.read(created.id, updated.outs!);
    expect(read.id).toBe(created.id);
    expect(read.props?.status).toBe("pending");
    expect(read.inputs?.status).toBe("pending");

    await provider.delete(created.id, { ...updated.outs!, status: "accepted" });
    expect(fake.cloud.members.get(image.id)![0].status).toBe("rejected");
    await provider.delete(created.id, { ...updated.outs!, statusOnDelete: "pending" });
    expect(fake.cloud.members.get(image.id)![0].status).toBe("pending");
  });

  test("without a membership yet, the error says the owner must share first", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await providerAs("consumer1");
    const me = fake.cloud.project("consumer1").id;
    await expect(provider.create({ imageId: image.id, status: "accepted" })).rejects.toThrow(
      `Cannot set the status of image ${image.id} for project ${me} to "accepted": image ${image.id} is not shared with project ${me} (there is no membership to accept or reject yet). The image's owner must share it first`,
    );
  });

  test("the owner trying to accept is told only the member project can", async () => {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    const provider = await providerAs("owner");
    const memberId = fake.cloud.project("consumer1").id;
    await expect(
      provider.create({ imageId: image.id, status: "accepted", memberId }),
    ).rejects.toThrow(
      new RegExp(
        `only the member project ${memberId} itself \\(or an administrator\\) can set the status.*HTTP 403`,
      ),
    );
  });

  test("a membership removed by the owner is gone for read and fine for delete", async () => {
    const { image, provider } = await sharedWithConsumer1();
    const created = await provider.create({ imageId: image.id, status: "accepted" });
    fake.cloud.members.set(image.id, []);
    expect(await provider.read(created.id, created.outs!)).toEqual({});
    await expect(provider.delete(created.id, created.outs!)).resolves.toBeUndefined();
  });

  test("another project's credentials: a 404 neither drops the acceptance on read nor counts as reset on delete", async () => {
    const { image, me, provider } = await sharedWithConsumer1();
    const created = await provider.create({ imageId: image.id, status: "accepted" });
    expect(created.outs?.managingProjectId).toBe(me);
    const read = await provider.read(created.id, created.outs!);
    expect(read.props?.managingProjectId).toBe(me);
    expect(read.inputs).not.toHaveProperty("managingProjectId");

    // consumer2 is not a member: Glance answers 404 to its reads and status changes.
    const stranger = await providerAs("consumer2");
    const strangerId = fake.cloud.project("consumer2").id;
    const foreign = new RegExp(
      `reports the membership of project ${me} in image ${image.id} as not found, but these ` +
        `credentials are for project ${strangerId}, and the membership was made with the ` +
        `credentials of project ${me} \\(recorded in state\\).*nothing was changed in state.*HTTP 404`,
    );
    await expect(stranger.read(created.id, created.outs!)).rejects.toThrow(foreign);
    await expect(stranger.delete(created.id, created.outs!)).rejects.toThrow(foreign);
    await expect(stranger.delete(created.id, created.outs!)).rejects.toThrow(
      new RegExp(`^Cannot reset the status of image ${image.id} for project ${me}: `),
    );
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");
  });

  test("check refuses a wrong status word before any request; diff replaces on imageId, not on a defaulted memberId", async () => {
    const provider = new ImageMemberAcceptanceProvider();
    const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    const result = await provider.check(
      {} as never,
      { imageId: image, status: "acepted", statusOnDelete: "accepted" } as never,
    );
    expect(result.failures).toEqual([
      {
        property: "status",
        reason: 'status must be one of "accepted", "rejected", "pending"; got "acepted"',
      },
      {
        property: "statusOnDelete",
        reason: 'statusOnDelete must be one of "rejected", "pending"; got "accepted"',
      },
    ]);
    const olds = {
      imageId: image,
      memberId: "m",
      status: "accepted" as const,
      createdAt: "",
      updatedAt: "",
      schema: "",
    };
    const diffTo = (news: Parameters<typeof provider.diff>[2]) => provider.diff("x", olds, news);
    const change = (replaces: string[] = [], deleteBeforeReplace = false) => ({
      changes: true,
      replaces,
      deleteBeforeReplace,
    });
    const accepted = { imageId: image, status: "accepted" as const };
    expect(await diffTo(accepted)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const otherImage = "e164b5df-1bc3-4c3f-893e-3e471fd16e64";
    expect(await diffTo({ ...accepted, imageId: otherImage })).toEqual(change(["imageId"]));
    expect(await diffTo({ ...accepted, memberId: "n" })).toEqual(change(["memberId"]));
    expect(await diffTo({ ...accepted, statusOnDelete: "pending" })).toEqual(change());
    expect(await diffTo({ ...accepted, vaultId: "v" })).toEqual(change());
    // The same region and vault on both sides: no change; the vault dropped is one.
    const inVault = { ...accepted, region: "RegionOne", vaultId: "v" };
    const fromVault = (news: Parameters<typeof provider.diff>[2]) =>
      provider.diff("x", { ...olds, region: "RegionOne", vaultId: "v" }, news);
    expect(await fromVault(inVault)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await fromVault({ ...inVault, vaultId: undefined })).toEqual(change());
    // The same membership under a region name now given: the old resource's delete resets the
    // status (statusOnDelete), so it must run before the new one sets it.
    for (const memberId of [undefined, "m"]) {
      expect(await diffTo({ ...accepted, memberId, region: "RegionOne" })).toEqual(
        change(["region"], true),
      );
    }
    expect(await diffTo({ ...accepted, memberId: "n", region: "RegionOne" })).toEqual(
      change(["memberId", "region"]),
    );
  });

  test("read names image and project when it fails, and the resource when the id is malformed", async () => {
    const { image, me, provider } = await sharedWithConsumer1();
    const created = await provider.create({ imageId: image.id, status: "accepted" });
    fake.cloud.faults.push({ match: (m) => m === "GET", status: 403, times: 1 });
    await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
      new RegExp(`^Cannot read the status of image ${image.id} for project ${me}: `),
    );
    await expect(provider.read("not-an-id", {})).rejects.toThrow(
      '"not-an-id" is not an ImageMemberAcceptance id; expected "<imageId>/<memberId>"',
    );
  });

  test("credentials scoped to no project, and no memberId: refused before any Glance request", async () => {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    const consumer = fake.cloud.project("consumer1");
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(
      stackConfig({
        "openstack:authUrl": `${fake.cloud.url}/v3`,
        "openstack:userName": consumer.user.name,
        "openstack:password": consumer.user.password,
        "openstack:userDomainName": "Default",
        // An unscoped token has no catalog to find Glance in.
        "openstack:imageEndpoint": fake.cloud.url,
      }),
    );
    await expect(provider.create({ imageId: image.id, status: "accepted" })).rejects.toThrow(
      `Cannot set the status of image ${image.id}: the credentials are not scoped to a project; ` +
        `set memberId, or scope them to the member project`,
    );
    expect(fake.cloud.glanceRequests()).toEqual([]);
  });

  test("the vault (Huawei Cloud, a full-ECS image made from a CBR backup) goes with the status; region and statusOnDelete are kept", async () => {
    const { image, provider } = await sharedWithConsumer1();
    // Such an image's membership takes a status only with its vault, as Huawei Cloud answers.
    const withoutVault = (m: string, _p: string, body: string) =>
      m === "PUT" && !body.includes('"vault_id":"vault-1"');
    fake.cloud.faults.push({ match: withoutVault, status: 400, times: 100 });
    const inputs = {
      imageId: image.id,
      status: "accepted" as const,
      region: "RegionOne",
      statusOnDelete: "pending" as const,
    };
    await expect(provider.create(inputs)).rejects.toThrow(
      /accepting a full-ECS image made from a CBR backup needs vaultId.*HTTP 400/,
    );

    const created = await provider.create({ ...inputs, vaultId: "vault-1" });
    expect(created.outs).toMatchObject({
      status: "accepted",
      region: "RegionOne",
      vaultId: "vault-1",
      statusOnDelete: "pending",
    });
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");
  });

  test("a replacement deleting first, as the engine does when told, leaves the membership accepted", async () => {
    const { image, provider } = await sharedWithConsumer1();
    const old = await provider.create({ imageId: image.id, status: "accepted" });
    const news = { imageId: image.id, status: "accepted" as const, region: "RegionOne" };
    const diff = await provider.diff(old.id, old.outs!, news);
    expect(diff.deleteBeforeReplace).toBe(true);
    // The engine's two orders of a replacement; deleteBeforeReplace picks the first.
    const replace = async (deleteFirst: boolean) => {
      if (deleteFirst) await provider.delete(old.id, old.outs!);
      const created = await provider.create(news);
      if (!deleteFirst) await provider.delete(old.id, old.outs!);
      return created;
    };
    const created = await replace(diff.deleteBeforeReplace === true);
    expect(created.outs?.status).toBe("accepted");
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");
  });
});
