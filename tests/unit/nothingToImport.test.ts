/**
 * `pulumi import` of something that does not exist fails, saying what is missing (the image, or
 * only the membership), to which project, and how to list what exists, word for word. (Through
 * each provider's `read`: tests/unit/imageMember.test.ts and its siblings.) And an import of
 * an image whose member list the image service hides: nothing imported, and why.
 */
import type { Connection } from "../../provider/core/connect";
import {
  membersHiddenFromImport,
  nothingToImport,
} from "../../provider/resources/common/importing";
import { ApiError } from "../../provider/transport/errors";
import type { ServiceConnection } from "../../provider/transport/serviceConnection";

const imageId = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const member = "edc89b490d7d4392898e19b2deb34797";
const owner = "0123456789abcdef0123456789abcdef";
const read = { method: "GET", target: `glance.example/v2/images/${imageId}/members/${member}` };
const notFound = new ApiError(read, 404, "", "req-1", undefined, false, 1);
/** serverEvidence of the 404, as a pattern ending the message. */
const evidence = "\\(server said: HTTP 404, request id req-1\\)$";

/** A connection whose image read answers `image` (a status to fail with, or the image). */
function connection(image: number | object, projectId: string | undefined): Connection {
  const glance = {
    endpoint: "https://glance.example",
    authorizer: undefined,
    http: {
      request: async () => {
        if (typeof image === "number") {
          throw new ApiError(read, image, "", "req-2", undefined, false, 1);
        }
        return { status: 200, body: image };
      },
    },
  } as unknown as ServiceConnection;
  return {
    glance,
    identity: { stack: undefined },
    session: undefined as never,
    projectId: async () => projectId,
  };
}

const failure = async (
  image: number | object,
  projectId: string | undefined,
  side: "owner" | "member",
  memberId?: string,
) =>
  (
    await nothingToImport(
      connection(image, projectId),
      { kind: "ImageMember", id: "the-id", imageId, memberId, side },
      notFound,
    )
  ).message;

describe("nothingToImport", () => {
  test("no such image, for the owner: to which project, and the id to import", async () => {
    expect(await failure(404, owner, "owner", member)).toMatch(
      new RegExp(
        `^Cannot import ImageMember the-id: image ${imageId} does not exist or is not visible to ` +
          `project ${owner}, so there is nothing to import\\. Check the id and the region ` +
          `\\(openstack image show ${imageId}\\), and use the credentials of the image's owner ` +
          `project; the id to import is <image id>/<member project id>\\. ${evidence}`,
      ),
    );
  });

  test("an image that could not be read, for a member, the project unknown, a resource of one image", async () => {
    expect(await failure(500, undefined, "member")).toMatch(
      new RegExp(
        `^Cannot import ImageMember the-id: image ${imageId} could not be read to the configured ` +
          `project, so there is nothing to import\\. .*use the credentials of the image's member ` +
          `project; the id to import is <image id>\\. ${evidence}`,
      ),
    );
  });

  test("an image that could not be read is said so even for a membership: its absence is not known", async () => {
    expect(await failure(403, owner, "owner", member)).toContain(
      `image ${imageId} could not be read to project ${owner}, so there is nothing to import.`,
    );
  });

  test("an image that exists without the membership: the owner lists its members", async () => {
    const image = { id: imageId, visibility: "shared", owner };
    expect(await failure(image, owner, "owner", member)).toMatch(
      new RegExp(
        `^Cannot import ImageMember the-id: project ${member} is not a member of image ${imageId}: ` +
          `the image service has no such membership, so there is nothing to import\\. List the ` +
          `image's members with \`openstack image member list ${imageId}\` \\(as its owner ` +
          `project\\) and import one of them as ${imageId}/<member project id>\\. ${evidence}`,
      ),
    );
  });

  test("an image that exists without the membership: the member lists what is shared with it", async () => {
    const image = { id: imageId, visibility: "shared", owner };
    expect(await failure(image, member, "member", member)).toMatch(
      new RegExp(
        `: project ${member} is not a member of image ${imageId}: .*List the images shared with ` +
          `project ${member} with \`openstack image list --shared --member-status all\`, or ask ` +
          `the image's owner to share it first \\(ImageMember\\), then import it as ` +
          `${imageId}/${member}\\. ${evidence}`,
      ),
    );
  });

  test("a resource of one image whose member list is not found while the image reads: neither missing nor present", async () => {
    const image = { id: imageId, visibility: "shared", owner };
    const message = await failure(image, owner, "owner");
    expect(message).toMatch(
      new RegExp(
        `^Cannot import ImageMember the-id: image ${imageId} is visible to project ${owner}, but ` +
          `the image service did not find its member list, so there is nothing to import now: ` +
          `the image may have been deleted meanwhile\\. Check it \\(openstack image show ${imageId}\\) ` +
          `and import again with the credentials of the image's owner project; the id to import ` +
          `is <image id>\\. ${evidence}`,
      ),
    );
    expect(message).not.toContain("does not exist");
  });
});

describe("membersHiddenFromImport", () => {
  const list = { method: "GET", target: `glance.example/v2/images/${imageId}/members` };
  const forbidden = new ApiError(list, 403, "", "req-3", undefined, false, 1);
  const hidden = async (image: number | object, projectId: string | undefined) =>
    (
      await membersHiddenFromImport(
        connection(image, projectId),
        { kind: "ImageMembers", id: "the-id", imageId },
        forbidden,
      )
    ).message;

  test("an image that is not shared: its member list is hidden, nothing was imported, how to share it", async () => {
    expect(await hidden({ id: imageId, visibility: "private", owner }, owner)).toBe(
      `Cannot import ImageMembers the-id: image ${imageId} is "private", so the image service ` +
        `hides its member list, and nothing was imported. Make the image shared (openstack ` +
        `image set --shared ${imageId}) and import it again; if it should stay private, it has ` +
        `no members to manage, so there is nothing to import. (server said: HTTP 403, request id req-3)`,
    );
  });

  test("a shared image, or one that could not be read: only its owner project may read the list", async () => {
    const refused = (scope: string) =>
      `Cannot import ImageMembers the-id: the image service refused to show the member list of ` +
      `image ${imageId} to ${scope}, so nothing was imported. Only the image's owner project may ` +
      `read it, and only while the image is "shared" (openstack image show ${imageId} shows its ` +
      `visibility): import again with the credentials of the image's owner project; the id to ` +
      `import is <image id>. (server said: HTTP 403, request id req-3)`;
    expect(await hidden({ id: imageId, visibility: "shared", owner }, member)).toBe(
      refused(`project ${member}`),
    );
    expect(await hidden(500, undefined)).toBe(refused("the configured project"));
    expect(await hidden(404, owner)).toBe(refused(`project ${owner}`));
  });
});
