/**
 * A removal that sticks (issue 27, docs/failure-modes.md "A revocation meets a status
 * change"): the installed Glance can write a membership back after answering its DELETE, when
 * the member project's status PUT meets it. The fake cloud does the same on request
 * (`memberComesBack`); every removal reads Glance back once, deletes again what it lists, and
 * fails naming image and member when it keeps coming back.
 */
import type { ImageMembersOutputs } from "../../provider";
import {
  cameBackError,
  revoke,
  type Removed,
  type Revoker,
} from "../../provider/resources/common/revocation";
import {
  configuredMembersProvider,
  configuredProvider,
  onFakeCloud,
} from "../support/providerHarness";

type KeptInState = Error & { properties?: ImageMembersOutputs };

describe("revocation that sticks, against the fake cloud", () => {
  const fake = onFakeCloud();

  const glanceIds = (imageId: string) =>
    (fake.cloud.members.get(imageId) ?? []).map((m) => m.member_id).sort();

  /** Glance requests from `from` on, as "METHOD status last-path-segment". */
  const requestsSince = (from: number) =>
    fake.cloud
      .glanceRequests()
      .slice(from)
      .map((r) => `${r.method} ${r.status} ${r.path.split("/").pop()}`);

  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");

  describe("ImageMember", () => {
    /** An image the owner's ImageMember shares with `memberId`. */
    async function sharedWith(memberId: string) {
      const image = fake.cloud.addImage("owner");
      const provider = await configuredProvider(fake.cloud);
      const created = await provider.create({ imageId: image.id, memberId });
      return { image, provider, created };
    }

    test("a delete costs two requests: the DELETE and the read that confirms it", async () => {
      const { image, provider, created } = await sharedWith("p-a");
      const before = fake.cloud.glanceRequests().length;

      await provider.delete(created.id, created.outs!);

      expect(requestsSince(before)).toEqual(["DELETE 204 p-a", "GET 404 p-a"]);
      expect(glanceIds(image.id)).toEqual([]);
    });

    test("a member written back after its DELETE is deleted again", async () => {
      const { image, provider, created } = await sharedWith("p-a");
      fake.cloud.memberComesBack(image.id, "p-a", 1, "accepted");
      const before = fake.cloud.glanceRequests().length;

      await provider.delete(created.id, created.outs!);

      expect(requestsSince(before)).toEqual([
        "DELETE 204 p-a",
        "GET 200 p-a",
        "DELETE 204 p-a",
        "GET 404 p-a",
      ]);
      expect(glanceIds(image.id)).toEqual([]);
    });

    test("a member that keeps coming back fails the delete, naming image and member", async () => {
      const { image, provider, created } = await sharedWith("p-a");
      fake.cloud.memberComesBack(image.id, "p-a", Infinity, "accepted");
      const before = fake.cloud.glanceRequests().length;

      const failure = provider.delete(created.id, created.outs!);

      await expect(failure).rejects.toThrow(
        new RegExp(
          `^Cannot stop sharing image ${escape(image.id)} with project p-a: the image service ` +
            `answered each of 3 DELETEs as done, but listed the membership again every time`,
        ),
      );
      await expect(failure).rejects.toThrow(
        /stays in this ImageMember's state\. Stop what sets the status of project p-a/,
      );
      expect(requestsSince(before)).toEqual(
        Array.from({ length: 3 }, () => ["DELETE 204 p-a", "GET 200 p-a"]).flat(),
      );
      expect(glanceIds(image.id)).toEqual(["p-a"]);
    });

    test("a confirming read that fails keeps the member in state (the delete fails)", async () => {
      const { image, provider, created } = await sharedWith("p-a");
      fake.cloud.memberComesBack(image.id, "p-a", 1);
      fake.cloud.faults.push({
        match: (method, path) => method === "GET" && path.endsWith("/members/p-a"),
        status: 403,
        times: 1,
      });

      await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
        /^Cannot stop sharing image \S+ with project p-a \(deleted, but the read confirming it failed; kept in state, run pulumi again\)/,
      );
      expect(glanceIds(image.id)).toEqual(["p-a"]);
    });

    test("a replacement's delete confirms too", async () => {
      const { image, provider, created: old } = await sharedWith("p-old");
      fake.cloud.memberComesBack(image.id, "p-old", 1);
      const diff = await provider.diff(old.id, old.outs!, { imageId: image.id, memberId: "p-new" });
      expect(diff.replaces).toEqual(["memberId"]);
      await provider.create({ imageId: image.id, memberId: "p-new" });

      await provider.delete(old.id, old.outs!);

      expect(glanceIds(image.id)).toEqual(["p-new"]);
    });
  });

  describe("ImageMembers", () => {
    /** An image the owner's ImageMembers shares with `projects`. */
    async function sharedWithAll(projects: Record<string, string>) {
      const image = fake.cloud.addImage("owner");
      const provider = await configuredMembersProvider(fake.cloud);
      const created = await provider.create({ imageId: image.id, projects });
      return { image, provider, created };
    }
    const fourProjects = { a: "p-a", b: "p-b", c: "p-c", d: "p-d" };

    test("a delete costs one DELETE per member and one list of the image", async () => {
      const { image, provider, created } = await sharedWithAll(fourProjects);
      const before = fake.cloud.glanceRequests().length;

      await provider.delete(created.id, created.outs!);

      const sent = requestsSince(before);
      expect(sent.filter((r) => r.startsWith("DELETE 204"))).toHaveLength(4);
      expect(sent.slice(4)).toEqual(["GET 200 members"]);
      expect(glanceIds(image.id)).toEqual([]);
    });

    test("members written back after their DELETE are deleted again, with one more list", async () => {
      const { image, provider, created } = await sharedWithAll(fourProjects);
      fake.cloud.memberComesBack(image.id, "p-b", 1, "accepted");
      fake.cloud.memberComesBack(image.id, "p-d", 1, "rejected");
      const before = fake.cloud.glanceRequests().length;

      await provider.delete(created.id, created.outs!);

      const sent = requestsSince(before);
      expect(sent.slice(4)).toEqual([
        "GET 200 members",
        ...sent.slice(5, 7).sort(),
        "GET 200 members",
      ]);
      expect(sent.slice(5, 7).sort()).toEqual(["DELETE 204 p-b", "DELETE 204 p-d"]);
      expect(sent).toHaveLength(8);
      expect(glanceIds(image.id)).toEqual([]);
    });

    test("a removal in an update deletes again what came back, and state drops it", async () => {
      const { image, provider, created } = await sharedWithAll({ a: "p-a", b: "p-b", c: "p-c" });
      fake.cloud.memberComesBack(image.id, "p-b", 1, "accepted");
      const before = fake.cloud.glanceRequests().length;

      const updated = await provider.update(created.id, created.outs!, {
        imageId: image.id,
        projects: { a: "p-a", c: "p-c" },
      });

      expect(requestsSince(before)).toEqual([
        "DELETE 204 p-b",
        "GET 200 members",
        "DELETE 204 p-b",
        "GET 200 members",
      ]);
      expect(updated.outs!.members.map((m) => m.memberId)).toEqual(["p-a", "p-c"]);
      expect(glanceIds(image.id)).toEqual(["p-a", "p-c"]);
    });

    test("members that keep coming back fail the delete and the update, naming image and members, kept in state", async () => {
      const { image, provider, created } = await sharedWithAll({ a: "p-a", b: "p-b", c: "p-c" });
      fake.cloud.memberComesBack(image.id, "p-b", Infinity, "accepted");
      const before = fake.cloud.glanceRequests().length;

      const update = provider.update(created.id, created.outs!, {
        imageId: image.id,
        projects: { a: "p-a" },
      });

      await expect(update).rejects.toThrow(
        new RegExp(
          `Cannot stop sharing image ${escape(image.id)} with project p-b: the image service ` +
            `answered each of 3 DELETEs as done, but listed the membership again every time`,
        ),
      );
      const kept = (await update.catch((e: KeptInState) => e)) as KeptInState;
      expect(kept.properties!.members.map((m) => m.memberId)).toEqual(["p-a", "p-b"]);
      const sent = requestsSince(before);
      expect(sent.filter((r) => r === "DELETE 204 p-b")).toHaveLength(3);
      expect(sent.filter((r) => r === "DELETE 204 p-c")).toHaveLength(1);
      expect(sent.filter((r) => r === "GET 200 members")).toHaveLength(3);
      expect(glanceIds(image.id)).toEqual(["p-a", "p-b"]);

      await expect(provider.delete(created.id, kept.properties!)).rejects.toThrow(
        /with project p-b: the image service answered each of 3 DELETEs as done.*openstack image member list/,
      );
      expect(glanceIds(image.id)).toEqual(["p-b"]);
    });

    test("an image made private before the confirming list: the members stay in state", async () => {
      const { image, provider, created } = await sharedWithAll({ a: "p-a", b: "p-b" });
      fake.cloud.memberComesBack(image.id, "p-a", 1);
      // The owner makes the image private between the DELETEs and the list.
      fake.cloud.faults.push({
        match: (method, path) => {
          if (method === "GET" && path.endsWith("/members")) image.visibility = "private";
          return false;
        },
        times: 1,
      });

      await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
        /is now "private", so the image service hides its members, but they still exist/,
      );
      expect(glanceIds(image.id)).toEqual(["p-a"]);
    });
  });
});

describe("revoke: how often it deletes, reads and waits", () => {
  const policy = { attempts: 3, backoffMs: [250, 1000], maxSettleMs: 2000 };

  /** A Glance that writes each member back `comesBack[id]` times after its DELETE. */
  function fakeRevoker(comesBack: Record<string, number>, refuse: string[] = []) {
    const calls: string[] = [];
    const revoker: Revoker = {
      remove: async (ids): Promise<Removed> => {
        calls.push(`remove ${ids.join(",")}`);
        return {
          deleted: ids.filter((id) => !refuse.includes(id)),
          failed: ids
            .filter((id) => refuse.includes(id))
            .map((memberId) => ({ memberId, error: new Error(`refused ${memberId}`) })),
          slowestMs: 40,
        };
      },
      stillListed: async (ids) => {
        calls.push(`read ${ids.join(",")}`);
        const listed = ids.filter((id) => (comesBack[id] ?? 0) > 0);
        listed.forEach((id) => comesBack[id]!--);
        return { listed, failed: [] };
      },
    };
    return { revoker, calls };
  }

  test("nothing deleted: no read and no wait; the failures are what it returns", async () => {
    const { revoker, calls } = fakeRevoker({}, ["p1"]);
    const waits: number[] = [];
    const result = await revoke(["p1"], revoker, policy, async (ms) => void waits.push(ms));
    expect(calls).toEqual(["remove p1"]);
    expect(waits).toEqual([]);
    expect(result.cameBack).toEqual([]);
    expect(result.failed.map((f) => f.memberId)).toEqual(["p1"]);
  });

  test("gone at the first read: one DELETE, one settle wait (the slowest DELETE's time), no back-off", async () => {
    const { revoker, calls } = fakeRevoker({});
    const waits: number[] = [];
    const result = await revoke(["p1", "p2"], revoker, policy, async (ms) => void waits.push(ms));
    expect(calls).toEqual(["remove p1,p2", "read p1,p2"]);
    expect(waits).toEqual([40]);
    expect(result).toEqual({ failed: [], cameBack: [] });
  });

  test("written back twice: deleted again after each back-off, in order, then gone", async () => {
    const { revoker, calls } = fakeRevoker({ p2: 2 });
    const waits: number[] = [];
    const result = await revoke(["p1", "p2"], revoker, policy, async (ms) => void waits.push(ms));
    expect(calls).toEqual([
      "remove p1,p2",
      "read p1,p2",
      "remove p2",
      "read p2",
      "remove p2",
      "read p2",
    ]);
    expect(waits).toEqual([40, 250, 40, 1000, 40]);
    expect(result).toEqual({ failed: [], cameBack: [] });
  });

  test("more attempts than back-offs: the last back-off again; the settle wait is capped", async () => {
    const { revoker } = fakeRevoker({ p1: 9 });
    const waits: number[] = [];
    const slow = { ...policy, attempts: 4, maxSettleMs: 10 };
    const result = await revoke(["p1"], revoker, slow, async (ms) => void waits.push(ms));
    expect(waits).toEqual([10, 250, 10, 1000, 10, 1000, 10]);
    expect(result.cameBack).toEqual(["p1"]);
  });

  test("the error names one project in the singular, several in the plural", () => {
    expect(cameBackError("ImageMember", "img-1", ["p1"], policy).message).toBe(
      "Cannot stop sharing image img-1 with project p1: the image service answered each of 3 " +
        "DELETEs as done, but listed the membership again every time: the member project is " +
        "setting its status (an ImageMemberAcceptance, openstack image set --accept) at the same " +
        "moment, and Glance writes a membership back when that change meets its removal. It " +
        "keeps access to image img-1 and stays in this ImageMember's state. Stop what sets the " +
        "status of project p1 for this image (its stack or pipeline), then run pulumi again; " +
        "openstack image member list img-1 shows what Glance holds.",
    );
    expect(cameBackError("ImageMembers", "img-1", ["p1", "p2"]).message).toBe(
      "Cannot stop sharing image img-1 with projects p1, p2: the image service answered each of " +
        "3 DELETEs as done, but listed the memberships again every time: the member projects " +
        "are setting their status (an ImageMemberAcceptance, openstack image set --accept) at " +
        "the same moment, and Glance writes a membership back when that change meets its " +
        "removal. They keep access to image img-1 and stay in this ImageMembers's state. Stop " +
        "what sets the status of projects p1, p2 for this image (its stack or pipeline), then " +
        "run pulumi again; openstack image member list img-1 shows what Glance holds.",
    );
  });
});
