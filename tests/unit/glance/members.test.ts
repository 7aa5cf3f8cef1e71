// glance/members against literal fixtures: each test names the exact request the client must
// send and answers with the exact bytes Glance 25.1.0 sent for it (captured from the local
// cloud; its messages are those of ../shared/spec/glance-members-facts.md).
import {
  createMember,
  deleteMember,
  getMember,
  listMembers,
  updateMemberStatus,
} from "../../../provider/glance/members/requests";
import { UnexpectedMemberAnswer } from "../../../provider/glance/members/results";
import { ApiError } from "../../../provider/transport/errors";
import { ServiceConnection } from "../../../provider/transport/serviceConnection";
import { FixtureRequest, glanceFixtureServer } from "../../support/glanceFixtureServer";

const imageId = "ce97b3db-f751-4fa5-a99d-fb203e722f5c";
const memberId = "e4e99b4295844a0f83ec9267bccd907a";
const membersPath = `/v2/images/${imageId}/members`;
const memberPath = `${membersPath}/${memberId}`;

const pendingMemberBody = `{"member_id": "e4e99b4295844a0f83ec9267bccd907a", "image_id": "ce97b3db-f751-4fa5-a99d-fb203e722f5c", "status": "pending", "created_at": "2026-12-02T06:50:13Z", "updated_at": "2026-12-02T06:50:13Z", "schema": "/v2/schemas/member"}`;
const acceptedMemberBody = `{"member_id": "e4e99b4295844a0f83ec9267bccd907a", "image_id": "ce97b3db-f751-4fa5-a99d-fb203e722f5c", "status": "accepted", "created_at": "2026-12-02T06:50:13Z", "updated_at": "2026-12-02T06:51:40Z", "schema": "/v2/schemas/member"}`;

const pendingMember = {
  imageId,
  memberId,
  status: "pending",
  createdAt: "2026-12-02T06:50:13Z",
  updatedAt: "2026-12-02T06:50:13Z",
  schema: "/v2/schemas/member",
};

describe("createMember", () => {
  test('POST .../members {"member": id}: 200 with the pending member', async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "POST", path: membersPath, body: `{"member":"${memberId}"}` },
        response: { status: 200, body: pendingMemberBody },
      },
    ]);

    await expect(createMember(server.glance, imageId, memberId)).resolves.toEqual(pendingMember);
    server.expectServed();
  });

  test("keeps the endpoint's path (catalog URLs such as https://host/image)", async () => {
    const server = await glanceFixtureServer(
      [
        {
          request: { method: "POST", path: membersPath, body: `{"member":"${memberId}"}` },
          response: { status: 200, body: pendingMemberBody },
        },
      ],
      "/image",
    );

    await createMember(server.glance, imageId, memberId);
    server.expectServed();
  });

  test("a 200 whose body is not a member: UnexpectedMemberAnswer quoting the body", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "POST", path: membersPath, body: `{"member":"${memberId}"}` },
        response: { status: 200, body: `{"members": []}` },
      },
    ]);

    const creating = createMember(server.glance, imageId, memberId);
    await expect(creating).rejects.toBeInstanceOf(UnexpectedMemberAnswer);
    await expect(creating).rejects.toThrow(
      new Error('unexpected member body from the image service: {"members":[]}'),
    );
  });
});

describe("getMember", () => {
  test("GET .../members/{member_id}: 200 with the member", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: memberPath },
        response: { status: 200, body: pendingMemberBody },
      },
    ]);

    await expect(getMember(server.glance, imageId, memberId)).resolves.toEqual(pendingMember);
    server.expectServed();
  });

  test("escapes the ids: a member id with / or ? stays one path segment", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: `${membersPath}/a%2Fb%3Fc%3Dd` },
        response: {
          status: 404,
          body: `{"message": "a/b?c=d not found in the member list of the image ce97b3db-f751-4fa5-a99d-fb203e722f5c.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
        },
      },
    ]);

    await expect(getMember(server.glance, imageId, "a/b?c=d")).rejects.toMatchObject({
      status: 404,
    });
    server.expectServed();
  });

  test("a status outside pending/accepted/rejected is refused, naming it", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: memberPath },
        response: {
          status: 200,
          body: pendingMemberBody.replace('"status": "pending"', '"status": "ACCEPTED"'),
        },
      },
    ]);

    const getting = getMember(server.glance, imageId, memberId);
    await expect(getting).rejects.toBeInstanceOf(UnexpectedMemberAnswer);
    await expect(getting).rejects.toThrow(
      `the image service gave the membership of project ${memberId} in image ${imageId} the status "ACCEPTED", ` +
        `which is none of "pending", "accepted", "rejected"`,
    );
  });
});

describe("listMembers", () => {
  test("GET .../members: every member of the list, in order", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: membersPath },
        response: {
          status: 200,
          body: `{"members": [${pendingMemberBody}, {"member_id": "0bd2c2e1d8bd4d1e9b5e7b0b1c9e2f01", "image_id": "ce97b3db-f751-4fa5-a99d-fb203e722f5c", "status": "rejected", "created_at": "2026-12-02T06:49:02Z", "updated_at": "2026-12-02T06:49:30Z", "schema": "/v2/schemas/member"}], "schema": "/v2/schemas/members"}`,
        },
      },
    ]);

    await expect(listMembers(server.glance, imageId)).resolves.toEqual([
      pendingMember,
      {
        imageId,
        memberId: "0bd2c2e1d8bd4d1e9b5e7b0b1c9e2f01",
        status: "rejected",
        createdAt: "2026-12-02T06:49:02Z",
        updatedAt: "2026-12-02T06:49:30Z",
        schema: "/v2/schemas/member",
      },
    ]);
    server.expectServed();
  });

  test("an image without members: an empty list", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: membersPath },
        response: { status: 200, body: `{"members": [], "schema": "/v2/schemas/members"}` },
      },
    ]);

    await expect(listMembers(server.glance, imageId)).resolves.toEqual([]);
    server.expectServed();
  });

  test("a 200 without a members array is refused, quoting the body", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "GET", path: membersPath },
        response: { status: 200, body: pendingMemberBody },
      },
    ]);

    await expect(listMembers(server.glance, imageId)).rejects.toThrow(
      /^unexpected member list from the image service: \{"member_id":"e4e99b4295844a0f83ec9267bccd907a"/,
    );
  });
});

describe("updateMemberStatus", () => {
  test('PUT .../members/{member_id} {"status": "accepted"}: 200 with the member', async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "PUT", path: memberPath, body: `{"status":"accepted"}` },
        response: { status: 200, body: acceptedMemberBody },
      },
    ]);

    await expect(updateMemberStatus(server.glance, imageId, memberId, "accepted")).resolves.toEqual(
      { ...pendingMember, status: "accepted", updatedAt: "2026-12-02T06:51:40Z" },
    );
    server.expectServed();
  });

  test("Huawei Cloud's vault_id goes into the body with the status", async () => {
    const server = await glanceFixtureServer([
      {
        request: {
          method: "PUT",
          path: memberPath,
          body: `{"status":"accepted","vault_id":"b6c1e8a2-9f0d-4c3b-8e4a-2d7f5a1c9e30"}`,
        },
        response: { status: 200, body: acceptedMemberBody },
      },
    ]);

    await updateMemberStatus(server.glance, imageId, memberId, "accepted", {
      vaultId: "b6c1e8a2-9f0d-4c3b-8e4a-2d7f5a1c9e30",
    });
    server.expectServed();
  });

  test("rejecting sends the status alone", async () => {
    const server = await glanceFixtureServer([
      {
        request: { method: "PUT", path: memberPath, body: `{"status":"rejected"}` },
        response: {
          status: 200,
          body: acceptedMemberBody.replace('"status": "accepted"', '"status": "rejected"'),
        },
      },
    ]);

    await expect(
      updateMemberStatus(server.glance, imageId, memberId, "rejected", {}),
    ).resolves.toMatchObject({ status: "rejected" });
    server.expectServed();
  });
});

describe("deleteMember", () => {
  test("DELETE .../members/{member_id}: 204, nothing returned", async () => {
    const server = await glanceFixtureServer([
      { request: { method: "DELETE", path: memberPath }, response: { status: 204 } },
    ]);

    await expect(deleteMember(server.glance, imageId, memberId)).resolves.toBeUndefined();
    server.expectServed();
  });
});

describe("errors: Glance's answer becomes an ApiError with its status, message and request id", () => {
  const privateImage = "93e5792a-929e-49a6-8342-0b4c0799592d";
  const privatePath = `/v2/images/${privateImage}/members`;
  const createBody = `{"member":"${memberId}"}`;
  // [case, the call, the request it sends, status, Glance's body, request id, message kept]
  const cases: [
    string,
    (glance: ServiceConnection) => Promise<unknown>,
    FixtureRequest,
    number,
    string,
    string,
    string,
  ][] = [
    [
      "POST of a member already there: 409",
      (glance) => createMember(glance, imageId, memberId),
      { method: "POST", path: membersPath, body: createBody },
      409,
      `{"message": "Member e4e99b4295844a0f83ec9267bccd907a is duplicated for image ce97b3db-f751-4fa5-a99d-fb203e722f5c<br /><br />\\n\\n\\n", "code": "409 Conflict", "title": "Conflict"}`,
      "req-0c29cfdb-995f-48c0-91ac-7664b0c8861d",
      `Member ${memberId} is duplicated for image ${imageId}`,
    ],
    [
      "POST to a private image: 403, the reason hidden",
      (glance) => createMember(glance, privateImage, memberId),
      { method: "POST", path: privatePath, body: createBody },
      403,
      `{"message": "Not allowed to create members for image 93e5792a-929e-49a6-8342-0b4c0799592d.<br /><br />\\n\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}`,
      "req-20bd099a-1b12-48cd-8091-35e827e3e17c",
      `Not allowed to create members for image ${privateImage}.`,
    ],
    [
      "GET the members of a private image: 403, saying why",
      (glance) => listMembers(glance, privateImage),
      { method: "GET", path: privatePath },
      403,
      `{"message": "Not allowed to list members for image 93e5792a-929e-49a6-8342-0b4c0799592d: Only shared images have members.<br /><br />\\n\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}`,
      "req-ebc2f098-fc60-4214-97bf-648342feacee",
      `Not allowed to list members for image ${privateImage}: Only shared images have members.`,
    ],
    [
      "GET a member of a private image: 404, not 403",
      (glance) => getMember(glance, privateImage, memberId),
      { method: "GET", path: `${privatePath}/${memberId}` },
      404,
      `{"message": "Only shared images have members.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
      "req-d4eb3ef7-88a0-4677-828a-de3635dc6081",
      "Only shared images have members.",
    ],
    [
      "GET an unknown member: 404",
      (glance) => getMember(glance, imageId, "nobody"),
      { method: "GET", path: `${membersPath}/nobody` },
      404,
      `{"message": "nobody not found in the member list of the image ce97b3db-f751-4fa5-a99d-fb203e722f5c.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
      "req-c004d58a-48e4-4e7b-b88b-935eefa6baab",
      `nobody not found in the member list of the image ${imageId}.`,
    ],
    [
      "PUT by the owner: 403, only the member project may",
      (glance) => updateMemberStatus(glance, imageId, memberId, "accepted"),
      { method: "PUT", path: memberPath, body: `{"status":"accepted"}` },
      403,
      `{"message": "Not allowed to update members for image ce97b3db-f751-4fa5-a99d-fb203e722f5c.<br /><br />\\n\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}`,
      "req-e498ebfd-7a5f-4c2e-9d61-d5e8f09f807a",
      `Not allowed to update members for image ${imageId}.`,
    ],
    [
      "PUT a status Glance does not know: 400",
      (glance) => updateMemberStatus(glance, imageId, memberId, "maybe" as "accepted"),
      { method: "PUT", path: memberPath, body: `{"status":"maybe"}` },
      400,
      `{"message": "Incorrect request: Status must be \\"pending\\", \\"accepted\\" or \\"rejected\\".<br /><br />\\n\\n\\n", "code": "400 Bad Request", "title": "Bad Request"}`,
      "req-0e85182e-b0f6-4222-8298-adcb4519cb6c",
      'Incorrect request: Status must be "pending", "accepted" or "rejected".',
    ],
    [
      "DELETE by a member project: 403, only the owner may",
      (glance) => deleteMember(glance, imageId, memberId),
      { method: "DELETE", path: memberPath },
      403,
      `{"message": "Not allowed to delete members for image ce97b3db-f751-4fa5-a99d-fb203e722f5c.<br /><br />\\n\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}`,
      "req-bd7040a8-8041-48b1-ad0b-af2c7648cdb3",
      `Not allowed to delete members for image ${imageId}.`,
    ],
    [
      "DELETE a member already gone: 404",
      (glance) => deleteMember(glance, imageId, memberId),
      { method: "DELETE", path: memberPath },
      404,
      `{"message": "e4e99b4295844a0f83ec9267bccd907a not found in the member list of the image ce97b3db-f751-4fa5-a99d-fb203e722f5c.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
      "req-bf58c58e-a020-4a03-913c-e579efb5adb0",
      `${memberId} not found in the member list of the image ${imageId}.`,
    ],
  ];

  test.each(cases)("%s", async (_case, call, request, status, body, requestId, serverMessage) => {
    const server = await glanceFixtureServer([{ request, response: { status, body, requestId } }]);

    const calling = call(server.glance);
    await expect(calling).rejects.toBeInstanceOf(ApiError);
    await expect(calling).rejects.toMatchObject({
      status,
      serverMessage,
      requestId,
      request: {
        method: request.method,
        target: `${new URL(server.endpoint).host}${request.path}`,
      },
      afterLostResponse: false,
      attempts: 1,
    });
    server.expectServed();
  });
});
