/**
 * The look-ups getImageMembers and getSharedImages on the fake cloud: filters, pagination,
 * one authentication per process, the Output forms, credentials as the provider reads them,
 * and errors.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { nextPageUrl } from "../../provider/glance";
import {
  getImageMembers,
  getImageMembersOutput,
  getSharedImages,
  getSharedImagesOutput,
} from "../../provider";
import { FakeCloud, FakeImage } from "../support/fakeCloud";
import { withoutOpenStackEnv } from "../support/providerHarness";

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
  "project",
  "stack",
);

let cloud: FakeCloud;

/** The program's stack config (`openstack:*`), as `pulumi config set` gives it. */
function stackConfigAs(projectName: string, extra: Record<string, string> = {}): void {
  const project = cloud.project(projectName);
  pulumi.runtime.setAllConfig(
    {
      "openstack:authUrl": `${cloud.url}/v3`,
      "openstack:userName": project.user.name,
      "openstack:password": project.user.password,
      "openstack:tenantName": project.name,
      ...extra,
    },
    ["openstack:password"],
  );
}

function share(image: FakeImage, projectName: string, status = "pending"): void {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  cloud.shareByHand(image.id, cloud.project(projectName).id, status as "pending", at);
}

function imageListRequests() {
  return cloud.glanceRequests().filter((r) => r.method === "GET" && r.path === "/v2/images");
}

beforeEach(async () => {
  withoutOpenStackEnv();
  cloud = new FakeCloud();
  await cloud.start();
  stackConfigAs("consumer1");
});
afterEach(() => cloud.stop());

describe("getSharedImages", () => {
  test("filters by this project's member status (default accepted) and by name, leaving out its own images", async () => {
    const accepted = cloud.addImage("owner", "shared", "golden");
    const pending = cloud.addImage("owner", "shared", "golden");
    const rejected = cloud.addImage("owner", "shared", "other");
    share(accepted, "consumer1", "accepted");
    share(pending, "consumer1", "pending");
    share(rejected, "consumer1", "rejected");
    share(cloud.addImage("owner", "shared", "golden"), "consumer2", "accepted");
    cloud.addImage("consumer1", "shared", "golden"); // its own: Glance lists it too
    cloud.addImage("owner", "public", "golden");

    const byDefault = await getSharedImages();
    expect(byDefault.status).toBe("accepted");
    expect(byDefault.images).toEqual([
      {
        id: accepted.id,
        name: "golden",
        ownerProjectId: cloud.project("owner").id,
        status: "accepted",
        visibility: "shared",
        createdAt: accepted.created_at,
        updatedAt: accepted.updated_at,
      },
    ]);
    expect((await getSharedImages({ status: "pending" })).images.map((i) => i.id)).toEqual([
      pending.id,
    ]);
    expect((await getSharedImages({ status: "rejected" })).images.map((i) => i.id)).toEqual([
      rejected.id,
    ]);
    const all = await getSharedImages({ status: "all" });
    expect(new Map(all.images.map((i) => [i.id, i.status]))).toEqual(
      new Map([
        [accepted.id, "accepted"],
        [pending.id, "pending"],
        [rejected.id, "rejected"],
      ]),
    );
    const golden = await getSharedImages({ status: "all", name: "golden" });
    expect(golden.name).toBe("golden");
    expect(golden.images.map((i) => i.id).sort()).toEqual([accepted.id, pending.id].sort());
    // What was asked of Glance: its own filters, nothing filtered only on this side but ownership.
    const queries = imageListRequests().map((r) => new URLSearchParams(r.query));
    expect(queries.every((q) => q.get("visibility") === "shared")).toBe(true);
    expect(queries.slice(-3).map((q) => [q.get("member_status"), q.get("name")])).toEqual([
      ["pending", "golden"],
      ["accepted", "golden"],
      ["rejected", "golden"],
    ]);
  });

  test("follows Glance's next links across pages of 2, newest first, each image once", async () => {
    cloud.limitParamDefault = 2;
    const images = Array.from({ length: 7 }, (_, i) =>
      cloud.addImage("owner", "shared", `img${i}`),
    );
    images.forEach((image) => share(image, "consumer1", "pending"));

    const result = await getSharedImages({ status: "pending" });
    const expected = [...images]
      .sort((a, b) =>
        a.created_at !== b.created_at
          ? b.created_at.localeCompare(a.created_at)
          : b.id.localeCompare(a.id),
      )
      .map((i) => i.id);
    expect(result.images.map((i) => i.id)).toEqual(expected);
    const pages = imageListRequests();
    expect(pages).toHaveLength(4); // 2 + 2 + 2 + 1
    expect(pages.map((p) => new URLSearchParams(p.query).get("marker"))).toEqual([
      null,
      expected[1],
      expected[3],
      expected[5],
    ]);

    // A full last page: Glance still sends a next link, and the empty page after it ends the list.
    share(cloud.addImage("owner", "shared", "img7"), "consumer1", "pending");
    expect((await getSharedImages({ status: "pending" })).images).toHaveLength(8);
    expect(imageListRequests()).toHaveLength(4 + 5);
  });

  test("status all: an image whose membership changes between the listings is read once more", async () => {
    const image = cloud.addImage("owner", "shared", "moving");
    share(image, "consumer1", "pending");
    cloud.faults.push({
      match: (method, p) => method === "GET" && p === "/v2/images",
      // Accepted right after the pending listing was served: the accepted listing has it too.
      rewriteBody: (body) => {
        const row = cloud.members.get(image.id)![0];
        row.status = "accepted";
        return body;
      },
      times: 1,
    });
    const result = await getSharedImages({ status: "all" });
    expect(result.images).toEqual([expect.objectContaining({ id: image.id, status: "accepted" })]);
    const memberReads = cloud
      .glanceRequests()
      .filter((r) => r.path === `/v2/images/${image.id}/members/${cloud.project("consumer1").id}`);
    expect(memberReads).toHaveLength(1);
  });

  test("a name containing a colon is sent as eq:<name>, which Glance reads as the name itself", async () => {
    const image = cloud.addImage("owner", "shared", "golden:2026-12");
    share(image, "consumer1", "accepted");
    const result = await getSharedImages({ name: "golden:2026-12" });
    expect(result.images.map((i) => i.id)).toEqual([image.id]);
    expect(new URLSearchParams(imageListRequests()[0].query).get("name")).toBe("eq:golden:2026-12");
  });

  test("the next page keeps the endpoint's own path, as gophercloud does", () => {
    expect(nextPageUrl("https://cloud.test/image", "/v2/images?visibility=shared&marker=m1")).toBe(
      "https://cloud.test/image/v2/images?visibility=shared&marker=m1",
    );
  });

  test("a next link that does not advance fails instead of looping", async () => {
    const image = cloud.addImage("owner", "shared", "x");
    share(image, "consumer1", "accepted");
    cloud.faults.push({
      match: (method, p) => method === "GET" && p === "/v2/images",
      rewriteBody: (body) => ({ ...(body as object), next: `/v2/images?marker=${image.id}` }),
      times: 3,
    });
    await expect(getSharedImages()).rejects.toThrow(
      new RegExp(
        `Cannot list the images shared with this project \\(status "accepted"\\): .*does not advance.*repeats the marker ${image.id}`,
      ),
    );
  });

  test("bad arguments fail before any request, naming what to pass", async () => {
    await expect(getSharedImages({ status: "Accepted" as "accepted" })).rejects.toThrow(
      'getSharedImages: status must be one of "pending", "accepted", "rejected", "all"; got "Accepted"',
    );
    await expect(getSharedImages({ name: "" })).rejects.toThrow(
      "getSharedImages: name must be a non-empty string",
    );
    expect(cloud.log).toHaveLength(0);
  });
});

describe("getImageMembers", () => {
  test("the owner sees every member with status and times; a member sees only its own row", async () => {
    const image = cloud.addImage("owner", "shared", "golden");
    share(image, "consumer2", "pending");
    share(image, "consumer1", "accepted");
    stackConfigAs("owner");
    const asOwner = await getImageMembers({ imageId: image.id });
    const rows = cloud.members.get(image.id)!;
    expect(asOwner).toEqual({
      imageId: image.id,
      members: rows
        .map((m) => ({
          memberId: m.member_id,
          status: m.status,
          createdAt: m.created_at,
          updatedAt: m.updated_at,
        }))
        .sort((a, b) => a.memberId.localeCompare(b.memberId)),
    });
    stackConfigAs("consumer1");
    expect((await getImageMembers({ imageId: image.id })).members).toEqual([
      expect.objectContaining({ memberId: cloud.project("consumer1").id, status: "accepted" }),
    ]);
  });

  test("404 and 403 are explained: not found or not visible, and not shared", async () => {
    const notShared = cloud.addImage("consumer1", "private");
    const othersImage = cloud.addImage("owner", "shared");
    const consumer1 = cloud.project("consumer1").id;
    await expect(getImageMembers({ imageId: othersImage.id })).rejects.toThrow(
      new RegExp(
        `Cannot list the members of image ${othersImage.id}: image ${othersImage.id} does not exist or ` +
          `is not visible to project ${consumer1}.*use the credentials of the owner or of a member project.*HTTP 404`,
      ),
    );
    await expect(getImageMembers({ imageId: notShared.id })).rejects.toThrow(
      new RegExp(
        `image ${notShared.id} is not shared .*only shared images have members. Make it shared ` +
          `\\(openstack image set --shared ${notShared.id}.*HTTP 403, "Not allowed to list members`,
      ),
    );
    await expect(getImageMembers({ imageId: "not-a-uuid" })).rejects.toThrow(
      'getImageMembers: imageId must be the UUID of an image, like "d164b5df-1bc3-4c3f-893e-3e471fd16e64"; got "not-a-uuid"',
    );
  });
});

describe("a server error fails a look-up, naming the server's answer", () => {
  jest.setTimeout(30_000); // a 503 is retried with the transport's backoff (~4 s)

  test.each([500, 503])(
    'getImageMembers: %i is a failure, never "not shared" or "not found"',
    async (status) => {
      const image = cloud.addImage("owner", "shared");
      stackConfigAs("owner");
      cloud.faults.push({
        match: (m, p) => m === "GET" && p.endsWith(`/images/${image.id}/members`),
        status,
        times: 100,
      });
      const error = (await getImageMembers({ imageId: image.id }).catch((e) => e)) as Error;
      expect(error.message).toMatch(
        new RegExp(
          `^Cannot list the members of image ${image.id}: the image service failed \\(${status}\\).*` +
            `\\(server said: HTTP ${status}, "`,
        ),
      );
      expect(error.message).not.toMatch(/not shared|does not exist|not visible/);
    },
  );

  test.each([500, 503])("getSharedImages: %i is a failure, never an empty list", async (status) => {
    stackConfigAs("consumer1");
    await getSharedImages(); // authenticated: the fault meets the listing only
    cloud.faults.push({
      match: (m, p) => m === "GET" && p === "/v2/images",
      status,
      times: 100,
    });
    const error = (await getSharedImages().catch((e) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot list the images shared with this project \\(status "accepted"\\): the image ` +
          `service failed \\(${status}\\).*\\(server said: HTTP ${status}, "`,
      ),
    );
  });
});

describe("both look-ups", () => {
  test("one authentication for every call of the process, Output forms included", async () => {
    const image = cloud.addImage("owner", "shared", "golden");
    share(image, "consumer1", "accepted");
    await Promise.all([getSharedImages(), getSharedImages({ status: "all" })]);
    await getImageMembers({ imageId: image.id });
    const viaOutput = await new Promise((resolve) =>
      getSharedImagesOutput({ name: pulumi.output("golden") }).apply(resolve),
    );
    expect(viaOutput).toMatchObject({ status: "accepted", images: [{ id: image.id }] });
    expect(cloud.authentications()).toHaveLength(1);
  });

  test("the Output forms take inputs (outputs, promises, secrets) and keep secrecy", async () => {
    const image = cloud.addImage("owner", "shared", "golden");
    share(image, "consumer1", "pending");
    const members = getImageMembersOutput({ imageId: pulumi.secret(image.id) });
    expect(await pulumi.isSecret(members)).toBe(true);
    const value = await new Promise<unknown>((resolve) => members.apply(resolve));
    expect(value).toMatchObject({ imageId: image.id, members: [{ status: "pending" }] });
    const wholeInput = getSharedImagesOutput(
      pulumi.output({ status: Promise.resolve("pending" as const) }),
    );
    const images = await new Promise<unknown>((resolve) => wholeInput.apply(resolve));
    expect(images).toMatchObject({ status: "pending", images: [{ id: image.id }] });
  });

  test("credentials as the provider reads them: stack config over OS_* over clouds.yaml", async () => {
    const image = cloud.addImage("owner", "shared", "golden");
    share(image, "consumer1", "accepted");
    share(image, "consumer2", "pending");
    const consumer2 = cloud.project("consumer2");
    Object.assign(process.env, {
      OS_AUTH_URL: `${cloud.url}/v3`,
      OS_USERNAME: consumer2.user.name,
      OS_PASSWORD: consumer2.user.password,
      OS_PROJECT_NAME: consumer2.name,
    });
    expect((await getSharedImages()).images.map((i) => i.id)).toEqual([image.id]); // consumer1
    pulumi.runtime.setAllConfig({});
    expect((await getSharedImages()).images).toEqual([]); // consumer2: only pending
    expect((await getSharedImages({ status: "pending" })).images.map((i) => i.id)).toEqual([
      image.id,
    ]);

    withoutOpenStackEnv();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-lookups-"));
    const consumer1 = cloud.project("consumer1");
    fs.writeFileSync(
      path.join(dir, "clouds.yaml"),
      `clouds:\n  c1:\n    auth:\n      auth_url: ${cloud.url}/v3\n      username: ${consumer1.user.name}\n` +
        `      password: ${consumer1.user.password}\n      project_name: ${consumer1.name}\n`,
    );
    process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, "clouds.yaml");
    process.env.OS_CLOUD = "c1";
    expect((await getImageMembers({ imageId: image.id })).members).toEqual([
      expect.objectContaining({ memberId: consumer1.id, status: "accepted" }),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("bad credentials fail clearly, naming the look-up, with no secret in the message", async () => {
    stackConfigAs("consumer1", { "openstack:password": "wrong-password-4711" });
    const error = await getSharedImages().catch((e: Error) => e);
    expect(String(error)).toMatch(
      /Cannot list the images shared with this project \(status "accepted"\): Keystone rejected the credentials.*HTTP 401/,
    );
    expect(String(error)).not.toContain("wrong-password-4711");
    const missing = await getImageMembers({ imageId: cloud.addImage("owner").id }).catch(
      (e: Error) => e,
    );
    expect(String(missing)).not.toContain("wrong-password-4711");
    pulumi.runtime.setAllConfig({});
    await expect(getSharedImages()).rejects.toThrow(
      /Cannot list the images shared with this project \(status "accepted"\): No Keystone URL: openstack:authUrl \/ OS_AUTH_URL is not set/,
    );
  });
});
