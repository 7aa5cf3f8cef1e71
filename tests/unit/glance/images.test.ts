// glance/images against literal fixtures: each test names the exact request the client must
// send and answers with the exact bytes Glance 25.1.0 sent for it (captured from the local
// cloud; a second page is the first page's shape with another image).
import {
  getImage,
  listImages,
  listImagesPage,
  nameFilterValue,
  nextPageUrl,
} from "../../../provider/glance/images/requests";
import { UnexpectedImageListAnswer } from "../../../provider/glance/images/results";
import { ApiError } from "../../../provider/transport/errors";
import { glanceFixtureServer } from "../../support/glanceFixtureServer";

const owner = "9ce0681386db4298b427bcd1a76e2a1b";
const queuedImage = `{"name": "pim-capture-13", "disk_format": "raw", "container_format": "bare", "visibility": "shared", "size": null, "virtual_size": null, "status": "queued", "checksum": null, "protected": false, "min_ram": 0, "min_disk": 0, "owner": "9ce0681386db4298b427bcd1a76e2a1b", "os_hidden": false, "os_hash_algo": null, "os_hash_value": null, "id": "ce97b3db-f751-4fa5-a99d-fb203e722f5c", "created_at": "2026-12-02T06:50:12Z", "updated_at": "2026-12-02T06:50:12Z", "tags": [], "self": "/v2/images/ce97b3db-f751-4fa5-a99d-fb203e722f5c", "file": "/v2/images/ce97b3db-f751-4fa5-a99d-fb203e722f5c/file", "schema": "/v2/schemas/image"}`;
const activeImage = `{"owner_specified.openstack.md5": "", "owner_specified.openstack.sha256": "", "owner_specified.openstack.object": "images/pulumi-image-members-demo", "name": "pulumi-image-members-demo", "disk_format": "raw", "container_format": "bare", "visibility": "shared", "size": 0, "virtual_size": null, "status": "active", "checksum": "d41d8cd98f00b204e9800998ecf8427e", "protected": false, "min_ram": 0, "min_disk": 0, "owner": "9ce0681386db4298b427bcd1a76e2a1b", "os_hidden": false, "os_hash_algo": "sha512", "os_hash_value": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", "id": "064e70ea-87d2-4491-9ff0-1334e8a89a54", "created_at": "2026-12-02T05:05:13Z", "updated_at": "2026-12-02T05:05:13Z", "tags": [], "self": "/v2/images/064e70ea-87d2-4491-9ff0-1334e8a89a54", "file": "/v2/images/064e70ea-87d2-4491-9ff0-1334e8a89a54/file", "schema": "/v2/schemas/image", "stores": "file"}`;

const queuedListed = {
  id: "ce97b3db-f751-4fa5-a99d-fb203e722f5c",
  name: "pim-capture-13",
  owner,
  visibility: "shared",
  status: "queued",
  createdAt: "2026-12-02T06:50:12Z",
  updatedAt: "2026-12-02T06:50:12Z",
};
const activeListed = {
  id: "064e70ea-87d2-4491-9ff0-1334e8a89a54",
  name: "pulumi-image-members-demo",
  owner,
  visibility: "shared",
  status: "active",
  createdAt: "2026-12-02T05:05:13Z",
  updatedAt: "2026-12-02T05:05:13Z",
};

describe("getImage", () => {
  test("GET /v2/images/{image_id}: the fields that explain a failed share", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images/ce97b3db-f751-4fa5-a99d-fb203e722f5c" },
        response: { status: 200, body: queuedImage },
      },
    ]);

    await expect(getImage(server.glance, "ce97b3db-f751-4fa5-a99d-fb203e722f5c")).resolves.toEqual({
      id: "ce97b3db-f751-4fa5-a99d-fb203e722f5c",
      name: "pim-capture-13",
      visibility: "shared",
      owner,
      status: "queued",
    });
    server.expectServed();
  });

  test("404 for an image that does not exist or is not visible", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images/00000000-0000-0000-0000-000000000000" },
        response: {
          status: 404,
          requestId: "req-d0404eb4-eaa9-41c9-9f3d-34a4d7626b08",
          body: `{"message": "No image found with ID 00000000-0000-0000-0000-000000000000<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
        },
      },
    ]);

    const getting = getImage(server.glance, "00000000-0000-0000-0000-000000000000");
    await expect(getting).rejects.toBeInstanceOf(ApiError);
    await expect(getting).rejects.toMatchObject({
      status: 404,
      serverMessage: "No image found with ID 00000000-0000-0000-0000-000000000000",
      requestId: "req-d0404eb4-eaa9-41c9-9f3d-34a4d7626b08",
    });
    server.expectServed();
  });
});

describe("listImages", () => {
  test("GET /v2/images?visibility=shared&member_status=pending: one page, no next link", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images?visibility=shared&member_status=pending" },
        response: {
          status: 200,
          body: `{"images": [${activeImage}], "first": "/v2/images?visibility=shared&member_status=pending", "schema": "/v2/schemas/images"}`,
        },
      },
    ]);

    await expect(
      listImages(server.glance, { visibility: "shared", memberStatus: "pending" }),
    ).resolves.toEqual([activeListed]);
    server.expectServed();
  });

  test("no filters: the bare images URL", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images" },
        response: {
          status: 200,
          body: `{"images": [], "first": "/v2/images", "schema": "/v2/schemas/images"}`,
        },
      },
    ]);

    await expect(listImages(server.glance)).resolves.toEqual([]);
    server.expectServed();
  });

  test("follows Glance's next links to the last page, under the endpoint's own path", async () => {
    // Glance's `next` is a path from its root (/v2/images?...): the client keeps /image.
    const server = await glanceFixtureServer(
      [
        {
          request: {
            method: "GET",
            path: "/v2/images?visibility=shared&member_status=all&limit=1",
          },
          response: {
            status: 200,
            body: `{"images": [${activeImage}], "first": "/v2/images?visibility=shared&member_status=all&limit=1", "schema": "/v2/schemas/images", "next": "/v2/images?visibility=shared&member_status=all&limit=1&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54"}`,
          },
        },
        {
          request: {
            method: "GET",
            path: "/v2/images?visibility=shared&member_status=all&limit=1&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54",
          },
          response: {
            status: 200,
            body: `{"images": [${queuedImage}], "first": "/v2/images?visibility=shared&member_status=all&limit=1", "schema": "/v2/schemas/images", "next": "/v2/images?visibility=shared&member_status=all&limit=1&marker=ce97b3db-f751-4fa5-a99d-fb203e722f5c"}`,
          },
        },
        {
          request: {
            method: "GET",
            path: "/v2/images?visibility=shared&member_status=all&limit=1&marker=ce97b3db-f751-4fa5-a99d-fb203e722f5c",
          },
          response: {
            status: 200,
            body: `{"images": [], "first": "/v2/images?visibility=shared&member_status=all&limit=1", "schema": "/v2/schemas/images"}`,
          },
        },
      ],
      "/image",
    );

    await expect(
      listImages(server.glance, { visibility: "shared", memberStatus: "all", limit: 1 }),
    ).resolves.toEqual([activeListed, queuedListed]);
    server.expectServed();
  });

  test("owner: Glance's column filter, kept in its next links (the audit's listing)", async () => {
    // As Glance 25.1.0 answered ?visibility=shared&owner=<project>&limit=2 on the local cloud.
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: `/v2/images?visibility=shared&owner=${owner}&limit=2` },
        response: {
          status: 200,
          body: `{"images": [${queuedImage}, ${activeImage}], "first": "/v2/images?visibility=shared&owner=${owner}&limit=2", "schema": "/v2/schemas/images", "next": "/v2/images?visibility=shared&owner=${owner}&limit=2&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54"}`,
        },
      },
      {
        request: {
          method: "GET",
          path: `/v2/images?visibility=shared&owner=${owner}&limit=2&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54`,
        },
        response: {
          status: 200,
          body: `{"images": [], "first": "/v2/images?visibility=shared&owner=${owner}&limit=2", "schema": "/v2/schemas/images"}`,
        },
      },
    ]);

    await expect(
      listImages(server.glance, { visibility: "shared", owner, limit: 2 }),
    ).resolves.toEqual([queuedListed, activeListed]);
    server.expectServed();
  });

  test("an image listed again on a later page (the listing changed) is kept once", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images?limit=2" },
        response: {
          status: 200,
          body: `{"images": [${activeImage}, ${queuedImage}], "first": "/v2/images?limit=2", "schema": "/v2/schemas/images", "next": "/v2/images?limit=2&marker=ce97b3db-f751-4fa5-a99d-fb203e722f5c"}`,
        },
      },
      {
        request: {
          method: "GET",
          path: "/v2/images?limit=2&marker=ce97b3db-f751-4fa5-a99d-fb203e722f5c",
        },
        response: {
          status: 200,
          body: `{"images": [${queuedImage}], "first": "/v2/images?limit=2", "schema": "/v2/schemas/images"}`,
        },
      },
    ]);

    await expect(listImages(server.glance, { limit: 2 })).resolves.toEqual([
      activeListed,
      queuedListed,
    ]);
    server.expectServed();
  });

  test("a name with ':' is sent as eq:<name>, which Glance reads as the name itself", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images?name=eq%3Aa%3Ab" },
        response: {
          status: 200,
          body: `{"images": [], "first": "/v2/images?name=eq%3Aa%3Ab", "schema": "/v2/schemas/images"}`,
        },
      },
    ]);

    await expect(listImages(server.glance, { name: "a:b" })).resolves.toEqual([]);
    server.expectServed();
  });

  test("400 for a filter Glance refuses: an ApiError with its message", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images?visibility=shared&member_status=bogus" },
        response: {
          status: 400,
          body: `{"message": "Invalid status: bogus<br /><br />\\n\\n\\n", "code": "400 Bad Request", "title": "Bad Request"}`,
        },
      },
    ]);

    await expect(
      listImages(server.glance, { visibility: "shared", memberStatus: "bogus" as "all" }),
    ).rejects.toMatchObject({
      name: "ApiError",
      status: 400,
      serverMessage: "Invalid status: bogus",
    });
    server.expectServed();
  });

  test("a next link that repeats its marker stops the listing instead of looping", async () => {
    const page = `{"images": [${activeImage}], "first": "/v2/images?limit=1", "schema": "/v2/schemas/images", "next": "/v2/images?limit=1&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54"}`;
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images?limit=1" },
        response: { status: 200, body: page },
      },
      {
        request: {
          method: "GET",
          path: "/v2/images?limit=1&marker=064e70ea-87d2-4491-9ff0-1334e8a89a54",
        },
        response: { status: 200, body: page },
      },
    ]);

    const listing = listImages(server.glance, { limit: 1 });
    await expect(listing).rejects.toBeInstanceOf(UnexpectedImageListAnswer);
    await expect(listing).rejects.toThrow(
      "repeats the marker 064e70ea-87d2-4491-9ff0-1334e8a89a54, after 1 image(s) in 2 page(s)",
    );
    server.expectServed();
  });

  test("a next link without a marker stops the listing", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images" },
        response: {
          status: 200,
          body: `{"images": [${activeImage}], "schema": "/v2/schemas/images", "next": "/v2/images?limit=1"}`,
        },
      },
    ]);

    await expect(listImages(server.glance)).rejects.toThrow(
      `the image service's image list does not advance: its "next" link "/v2/images?limit=1" has no marker, after 1 image(s) in 1 page(s)`,
    );
    server.expectServed();
  });
});

describe("listImagesPage", () => {
  test("a 200 without an images array is refused, quoting the body", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images" },
        response: { status: 200, body: `{"members": [], "schema": "/v2/schemas/members"}` },
      },
    ]);

    const listing = listImagesPage(server.glance, `${server.endpoint}/v2/images`);
    await expect(listing).rejects.toBeInstanceOf(UnexpectedImageListAnswer);
    await expect(listing).rejects.toThrow(
      new Error(
        'unexpected image list from the image service: {"members":[],"schema":"/v2/schemas/members"}',
      ),
    );
  });

  test("an image without an id is refused", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: "/v2/images" },
        response: { status: 200, body: `{"images": [{"name": "no-id"}]}` },
      },
    ]);

    await expect(listImagesPage(server.glance, `${server.endpoint}/v2/images`)).rejects.toThrow(
      new Error('the image service listed an image without an id: {"name":"no-id"}'),
    );
  });
});

describe("URLs", () => {
  test("nextPageUrl: our images URL with the query of Glance's next link", () => {
    expect(nextPageUrl("https://cloud.example/image", "/v2/images?limit=1&marker=064e70ea")).toBe(
      "https://cloud.example/image/v2/images?limit=1&marker=064e70ea",
    );
    expect(nextPageUrl("https://cloud.example:9292", "/v2/images?marker=x")).toBe(
      "https://cloud.example:9292/v2/images?marker=x",
    );
  });

  test("nameFilterValue: plain names plain, names with ':' behind eq:", () => {
    expect(nameFilterValue("ubuntu-24.04")).toBe("ubuntu-24.04");
    expect(nameFilterValue("in:x,y")).toBe("eq:in:x,y");
  });
});
