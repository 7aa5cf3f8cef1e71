/**
 * The member project's side on a real Keystone + Glance: the owner shares, the consumer
 * accepts, rejects and resets through ImageMemberAcceptance; out-of-band changes are read.
 */
import { ImageMemberAcceptanceProvider, ImageMemberProvider } from "../../provider";
import { onRealCloud } from "../support/acceptanceSuite";
import { CloudFile, GlanceDriver } from "../support/realCloud";

const real = onRealCloud();
let cloud: CloudFile;
let owner: GlanceDriver;
beforeAll(() => ({ cloud, owner } = real));
const configured = real.configuredAs;

async function statusInGlance(imageId: string, memberId: string, as: string): Promise<string> {
  const driver = new GlanceDriver(cloud, cloud.identities[as]);
  const response = await driver.session.http.request({
    method: "GET",
    url: `${cloud.glanceUrl}/v2/images/${imageId}/members/${memberId}`,
    authorizer: driver.session,
  });
  return (response.body as { status: string }).status;
}

test("owner shares, consumer accepts, rejects, sees an out-of-band change, and resets on delete", async () => {
  const imageId = await owner.createImage();
  const consumerId = cloud.identities.consumer1.projectId;
  const share = await configured(new ImageMemberProvider(), "owner");
  await share.create({ imageId, memberId: consumerId });

  const accept = await configured(new ImageMemberAcceptanceProvider(), "consumer1");
  const accepted = await accept.create({ imageId, status: "accepted" });
  expect(accepted).toMatchObject({
    id: `${imageId}/${consumerId}`,
    outs: { memberId: consumerId, status: "accepted" },
  });
  expect(await statusInGlance(imageId, consumerId, "owner")).toBe("accepted");

  const rejected = await accept.update(accepted.id, accepted.outs!, {
    imageId,
    status: "rejected",
  });
  expect(rejected.outs?.status).toBe("rejected");
  expect(await statusInGlance(imageId, consumerId, "consumer1")).toBe("rejected");

  // Someone in the consumer project sets it back to pending by hand.
  await new GlanceDriver(cloud, cloud.identities.consumer1).setMemberStatus(
    imageId,
    consumerId,
    "pending",
  );
  const read = await accept.read(accepted.id, rejected.outs!);
  expect(read.props?.status).toBe("pending");
  expect(await accept.diff(accepted.id, read.props!, { imageId, status: "rejected" })).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });

  await accept.delete(accepted.id, { ...read.props!, statusOnDelete: "pending" });
  expect(await statusInGlance(imageId, consumerId, "owner")).toBe("pending");
  await accept.delete(accepted.id, read.props!);
  expect(await statusInGlance(imageId, consumerId, "owner")).toBe("rejected");
});

test("accepting before the owner shared says so; the owner cannot accept for the member", async () => {
  const imageId = await owner.createImage();
  const consumerId = cloud.identities.consumer2.projectId;
  const accept = await configured(new ImageMemberAcceptanceProvider(), "consumer2");
  await expect(accept.create({ imageId, status: "accepted" })).rejects.toThrow(
    `image ${imageId} is not shared with project ${consumerId} (there is no membership to accept or reject yet)`,
  );

  await owner.addMember(imageId, consumerId);
  const asOwner = await configured(new ImageMemberAcceptanceProvider(), "owner");
  await expect(
    asOwner.create({ imageId, status: "accepted", memberId: consumerId }),
  ).rejects.toThrow(
    new RegExp(
      `only the member project ${consumerId} itself \\(or an administrator\\) can set the status.*HTTP 403`,
    ),
  );
  expect(await statusInGlance(imageId, consumerId, "owner")).toBe("pending");
});
