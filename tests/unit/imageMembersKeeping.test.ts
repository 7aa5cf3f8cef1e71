/**
 * `ImageMembers` keeps in state every member that may exist until a read proves it gone: an
 * access nobody manages is what this provider must never leave behind. Each path that could
 * drop one: an unsettled member during an outage that lasts across runs, a 409 whose adopting
 * GET fails, and a 404 that cannot be confirmed because the image could not be read.
 */
import { ImageMembersProvider } from "../../provider";
import type { ImageMembersOutputs } from "../../provider";
import { onFakeCloud, passwordConfig } from "../support/providerHarness";

// A POST failing "beyond the retry budget" takes the transport's full backoff (~4 s).
jest.setTimeout(60_000);

type KeptError = Error & { id?: string; properties?: ImageMembersOutputs };

const unsettled = (memberId: string) => ({
  memberId,
  status: "unknown",
  createdAt: "",
  updatedAt: "",
});

describe("ImageMembers keeps every member that may exist", () => {
  const fake = onFakeCloud();
  let provider: ImageMembersProvider;
  beforeEach(async () => {
    provider = new ImageMembersProvider();
    await provider.configure(passwordConfig(fake.cloud, "owner"));
  });

  const glanceIds = (imageId: string) =>
    (fake.cloud.members.get(imageId) ?? []).map((m) => m.member_id).sort();
  const postsFail = (status: number) =>
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      status,
      times: 1000,
    });

  /** Run 1: p1's POST answer is lost, then 503s: state holds p1 as unknown, Glance holds it. */
  async function lostThenOutage(imageId: string): Promise<KeptError> {
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      dropResponse: true,
      times: 1,
    });
    postsFail(503);
    const error = (await provider
      .create({ imageId, memberIds: ["p1"] })
      .catch((e) => e)) as KeptError;
    expect(error.properties?.members).toEqual([unsettled("p1")]);
    expect(glanceIds(imageId)).toEqual(["p1"]);
    return error;
  }

  test("an outage across two runs drops nothing; after it the member is deleted once the program drops it", async () => {
    const image = fake.cloud.addImage("owner");
    const run1 = await lostThenOutage(image.id);

    // Run 2, the same inputs, every POST still answered 503.
    const run2 = (await provider
      .update(image.id, run1.properties!, { imageId: image.id, memberIds: ["p1"] })
      .catch((e) => e)) as KeptError;
    expect(run2).toBeInstanceOf(Error);
    expect(run2.message).toMatch(/503/);
    expect(run2.properties?.members).toEqual([unsettled("p1")]);
    expect(glanceIds(image.id)).toEqual(["p1"]);

    // Run 3, after recovery, the program no longer lists p1: it is deleted.
    fake.cloud.faults.length = 0;
    const run3 = await provider.update(image.id, run2.properties!, {
      imageId: image.id,
      memberIds: [],
    });
    expect(run3.outs?.members).toEqual([]);
    expect(glanceIds(image.id)).toEqual([]);
  });

  test("an outage across two runs, then destroy: the member is removed from Glance", async () => {
    const image = fake.cloud.addImage("owner");
    const run1 = await lostThenOutage(image.id);
    const run2 = (await provider
      .update(image.id, run1.properties!, { imageId: image.id, memberIds: ["p1", "p2"] })
      .catch((e) => e)) as KeptError;
    expect(run2.properties?.members).toEqual([unsettled("p1")]);

    fake.cloud.faults.length = 0;
    await provider.delete(image.id, run2.properties!);
    expect(glanceIds(image.id)).toEqual([]);
  });

  test("an unsettled member refused for another reason (403) is kept too", async () => {
    const image = fake.cloud.addImage("owner");
    const run1 = await lostThenOutage(image.id);
    fake.cloud.faults.length = 0;
    postsFail(403);
    const run2 = (await provider
      .update(image.id, run1.properties!, { imageId: image.id, memberIds: ["p1"] })
      .catch((e) => e)) as KeptError;
    expect(run2.properties?.members).toEqual([unsettled("p1")]);
  });

  test("a 409 whose adopting GET fails keeps the member as unknown (state marked it possibly ours)", async () => {
    const image = fake.cloud.addImage("owner");
    const run1 = await lostThenOutage(image.id);
    fake.cloud.faults.length = 0;
    fake.cloud.faults.push({
      match: (m, p) => m === "GET" && p.endsWith(`/members/p1`),
      status: 500,
      times: 1000,
    });

    const run2 = (await provider
      .update(image.id, run1.properties!, { imageId: image.id, memberIds: ["p1", "p2"] })
      .catch((e) => e)) as KeptError;

    expect(
      fake.cloud
        .glanceRequests()
        .filter((r) => r.path.endsWith("/members") || r.path.endsWith("/members/p1"))
        .slice(-3)
        .map((r) => `${r.method} ${r.status}`)
        .sort(),
    ).toEqual(["GET 500", "POST 200", "POST 409"]);
    expect(run2.message).toMatch(/500/);
    expect(run2.properties?.members.map((m) => [m.memberId, m.status])).toEqual([
      ["p1", "unknown"],
      ["p2", "pending"],
    ]);
  });

  test("adoptExisting: a 409 whose adopting GET fails keeps the member as unknown", async () => {
    const image = fake.cloud.addImage("owner");
    await provider.create({ imageId: image.id, memberIds: ["p1"] });
    fake.cloud.faults.push({
      match: (m, p) => m === "GET" && p.endsWith(`/members/p1`),
      status: 500,
      times: 1000,
    });
    const error = (await provider
      .create({ imageId: image.id, memberIds: ["p1"], adoptExisting: true })
      .catch((e) => e)) as KeptError;
    expect(error.id).toBe(image.id);
    expect(error.properties?.members).toEqual([unsettled("p1")]);
  });

  describe("a 404 that the image could not be read to confirm", () => {
    /** p1 and p2 shared; p1 then removed by hand, and every read of the image failing. */
    async function p1GoneImageUnreadable(imageId: string) {
      const created = await provider.create({ imageId, memberIds: ["p1", "p2"] });
      fake.cloud.members.set(
        imageId,
        fake.cloud.members.get(imageId)!.filter((m) => m.member_id !== "p1"),
      );
      fake.cloud.faults.push({
        match: (m, p) => m === "GET" && p.endsWith(`/images/${imageId}`),
        status: 500,
        times: 1000,
      });
      return created.outs!;
    }

    test("delete fails and says so; nothing is believed gone", async () => {
      const image = fake.cloud.addImage("owner");
      const outs = await p1GoneImageUnreadable(image.id);
      const error = (await provider.delete(image.id, outs).catch((e) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(
        new RegExp(`not found, but image ${image.id} could not be read to confirm it`),
      );
      expect(error.message).toMatch(/server said: HTTP 404/);
    });

    test("an update removing it keeps it in state", async () => {
      const image = fake.cloud.addImage("owner");
      const outs = await p1GoneImageUnreadable(image.id);
      const error = (await provider
        .update(image.id, outs, { imageId: image.id, memberIds: ["p2"] })
        .catch((e) => e)) as KeptError;
      expect(error.message).toMatch(/could not be read to confirm it/);
      expect(error.properties?.members.map((m) => m.memberId)).toEqual(["p1", "p2"]);
    });
  });
});
