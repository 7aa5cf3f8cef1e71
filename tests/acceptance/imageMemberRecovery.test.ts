/**
 * ImageMember's recovery paths against the real Keystone + Glance, with a fault proxy in front
 * of Glance to lose or replace answers the real server gave: what state keeps when a create
 * fails half-way, and what the errors say (issue 15).
 */
import { ImageMemberProvider } from "../../provider";
import { FaultProxy, FaultRule } from "../support/faultProxy";
import { onRealCloud } from "../support/acceptanceSuite";
import { CloudFile, GlanceDriver } from "../support/realCloud";

const real = onRealCloud();

type CreateError = Error & { id?: string; properties?: Record<string, unknown> };

const membersPath = /^\/v2\/images\/[^/]+\/members$/;
const memberPath = /^\/v2\/images\/[^/]+\/members\/[^/]+$/;

let cloud: CloudFile;
let owner: GlanceDriver;
let glance: FaultProxy;

async function providerAs(identity: "owner" | "consumer2", throughProxy = true) {
  const extra: Record<string, string> = throughProxy
    ? { "openstack:imageEndpoint": glance.url }
    : {};
  return real.configuredAs(new ImageMemberProvider(), identity, extra);
}

/** The first member POST is served by Glance, then its answer is lost. */
const firstPostLost: FaultRule = (r) =>
  r.method === "POST" && membersPath.test(r.path) && r.attempt === 1
    ? { kind: "cutResponse" }
    : undefined;
const unavailable =
  (method: string, path: RegExp): FaultRule =>
  (r) =>
    r.method === method && path.test(r.path)
      ? { kind: "status", status: 503, body: '{"message": "fault proxy: unavailable"}' }
      : undefined;

beforeAll(async () => {
  ({ cloud, owner } = real);
  glance = new FaultProxy(cloud.glanceUrl, "recovery", "glance");
  await glance.start();
});
afterEach(() => {
  glance.rules = [];
  glance.clear();
});
afterAll(() => glance?.stop());

test("a lost POST answer, then Glance unavailable: state keeps the managing project, so another project's 404 drops nothing", async () => {
  const imageId = await owner.createImage();
  const ownerId = cloud.identities.owner.projectId;
  const memberId = `recovery-${Date.now()}`;
  glance.rules = [firstPostLost, unavailable("POST", membersPath)];
  const provider = await providerAs("owner");

  const error = (await provider.create({ imageId, memberId }).catch((e) => e)) as CreateError;
  expect(error.id).toBe(`${imageId}/${memberId}`);
  expect(error.properties).toMatchObject({ status: "unknown", managingProjectId: ownerId });
  expect(await owner.memberIds(imageId)).toEqual([memberId]);

  glance.rules = [];
  const finished = await provider.update(error.id!, error.properties as never, {
    imageId,
    memberId,
  });
  expect(finished.outs).toMatchObject({ status: "pending", managingProjectId: ownerId });

  const stranger = await providerAs("consumer2", false);
  await expect(stranger.read(error.id!, finished.outs as never)).rejects.toThrow(
    /as not found, but these credentials are for project .*nothing was changed in state/,
  );
  expect(await owner.memberIds(imageId)).toEqual([memberId]);
});

test("a lost POST answer, the retry's 409, and the adopting GET failing: the member is kept, and the next up reads it", async () => {
  const imageId = await owner.createImage();
  const memberId = `recovery-${Date.now()}`;
  glance.rules = [firstPostLost, unavailable("GET", memberPath)];
  const provider = await providerAs("owner");

  const error = (await provider.create({ imageId, memberId }).catch((e) => e)) as CreateError;
  const posts = glance.matching("POST", membersPath).map((r) => r.upstreamStatus);
  expect(posts).toEqual([200, 409]); // Glance's own answers
  expect(error.message).toMatch(
    new RegExp(
      `^Cannot share image ${imageId} with project ${memberId}: project ${memberId} is already a ` +
        `member of image ${imageId} \\(a retried POST met 409.*\\), but reading it failed: .*503.*` +
        `kept in state with status "unknown"`,
    ),
  );
  expect(error.id).toBe(`${imageId}/${memberId}`);
  expect(error.properties).toMatchObject({ status: "unknown" });

  glance.rules = [];
  const settled = await provider.update(error.id!, error.properties as never, {
    imageId,
    memberId,
  });
  expect(settled.outs).toMatchObject({ memberId, status: "pending" });
  expect(glance.matching("POST", membersPath)).toHaveLength(2); // no POST after the failure
  expect(await owner.memberIds(imageId)).toEqual([memberId]);
});

test.each([502, 504] as const)(
  "a gateway's %i after Glance made the member: the retry's 409 is adopted",
  async (status) => {
    const imageId = await owner.createImage();
    const memberId = `recovery-${status}-${Date.now()}`;
    glance.rules = [
      (r) =>
        r.method === "POST" && membersPath.test(r.path) && r.attempt === 1
          ? { kind: "gatewayError", status }
          : undefined,
    ];
    const provider = await providerAs("owner");

    const created = await provider.create({ imageId, memberId });
    expect(created.outs).toMatchObject({ memberId, status: "pending" });
    const posts = glance.matching("POST", membersPath);
    expect(posts.map((r) => [r.status, r.upstreamStatus])).toEqual([
      [status, 200],
      [409, 409],
    ]);
    expect(await owner.memberIds(imageId)).toEqual([memberId]);
  },
);

test("Glance's own 500 (a member id wider than its column) is reported as one request, not retried", async () => {
  const imageId = await owner.createImage();
  const provider = await providerAs("owner");
  const tooLong = "x".repeat(300); // check refuses it; create is called directly to reach Glance

  const error = (await provider
    .create({ imageId, memberId: tooLong })
    .catch((e) => e)) as CreateError;
  expect(glance.matching("POST", membersPath).map((r) => r.upstreamStatus)).toEqual([500]);
  expect(error.message).toMatch(
    new RegExp(
      `^Cannot share image ${imageId} with project x{300}: the image service failed \\(500\\) on ` +
        `the one request made, and a 500 is not retried.*HTTP 500`,
    ),
  );
  expect(error.message).not.toMatch(/after retries/);
  expect(error.id).toBeUndefined();
  expect(await owner.memberIds(imageId)).toEqual([]);
});
