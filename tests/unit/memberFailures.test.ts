/**
 * How a failed member request is explained (resources/common/memberFailures.ts): each status
 * with its cause and remedy, the image read only when the answer hides the reason, the
 * resource named where the advice names it.
 */
import { ApiError } from "../../provider/transport/errors";
import type { Connection } from "../../provider/core/connect";
import {
  explainCreateFailure,
  explainOtherFailure,
} from "../../provider/resources/common/memberFailures";

const ref = { imageId: "img-1", memberId: "p-consumer" };
const post = { method: "POST", target: "glance.example/v2/images/img-1/members" };
const headline = "Cannot share image img-1 with project p-consumer";

const apiError = (status: number, serverMessage = "") =>
  new ApiError(post, status, serverMessage, "req-1", undefined, false);

/** A connection whose project and image read are scripted; counts the image reads. */
function connection(
  projectId: string | undefined,
  image?: Record<string, string> | "gone" | "unreadable",
) {
  const reads: string[] = [];
  const fake = {
    projectId: async () => projectId,
    glance: {
      endpoint: "https://glance.example",
      authorizer: undefined,
      http: {
        request: async (request: { url: string }) => {
          reads.push(request.url);
          const failed = (status: number) =>
            new ApiError(
              { method: "GET", target: request.url },
              status,
              "",
              undefined,
              undefined,
              false,
            );
          if (image === "unreadable") throw failed(500);
          if (image === "gone" || image === undefined) throw failed(404);
          return { status: 200, body: image };
        },
      },
    },
  };
  return { connection: fake as unknown as Connection, reads };
}

const created = async (
  error: unknown,
  projectId: string | null = "p-owner",
  image?: Record<string, string> | "gone" | "unreadable",
) => {
  const { connection: c, reads } = connection(projectId ?? undefined, image);
  const message = (await explainCreateFailure(error, ref, c, "ImageMembers")).message;
  return { message, reads };
};

describe("explaining a failed share", () => {
  test("a failure every operation explains alike, and one that is no API answer", async () => {
    expect((await created(apiError(503))).message).toContain(
      `${headline}: the image service failed (503)`,
    );
    expect((await created(new Error("socket closed"))).message).toBe(`${headline}: socket closed`);
    expect((await created("text")).message).toBe(`${headline}: text`);
    expect((await created(undefined)).message).toBe(`${headline}: undefined`);
    expect((await created(null)).message).toBe(`${headline}: null`);
  });

  test("an encrypted image (400 or 403 naming the key): authorize the KMS key", async () => {
    for (const status of [400, 403]) {
      const { message } = await created(apiError(status, "Image is encrypted with KMS key"));
      expect(message).toMatch(
        new RegExp(
          `^${headline}: image img-1 is encrypted, and its KMS key must be authorized for ` +
            "project p-consumer before the image can be shared: in the key management service, " +
            'grant that project "Decrypt Data Key" and "Describe Key" on the image\'s custom key ' +
            "\\(default keys cannot be shared\\), then run pulumi up again\\. \\(server said",
        ),
      );
    }
    expect((await created(apiError(404, "encrypt"))).message).not.toContain("KMS");
  });

  test("409: already a member outside this stack; adopt it, naming the resource", async () => {
    const { message, reads } = await created(apiError(409));
    expect(message).toContain(
      `${headline}: project p-consumer is already a member of image img-1, outside this stack. ` +
        "To manage that membership here, set adoptExisting: true on this ImageMembers and run " +
        "pulumi up again",
    );
    expect(message).toContain(
      "pulumi up again (Pulumi's import cannot load dynamic providers, pulumi/pulumi#3550). If " +
        "an earlier pulumi up was interrupted (killed, cancelled) after creating it, run " +
        "IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up once to adopt every such member. (server said",
    );
    expect(reads).toEqual([]);
  });

  test("403 on an image that is not shared: make it shared", async () => {
    const { message, reads } = await created(apiError(403), "p-owner", {
      id: "img-1",
      visibility: "private",
      owner: "p-owner",
    });
    expect(message).toContain(
      `${headline}: image img-1 has visibility "private"; only images with visibility "shared" ` +
        "can have members. Make it shared first (openstack image set --shared img-1), or set " +
        'visibility "shared" where the image is declared. (server said',
    );
    expect(reads).toHaveLength(1);
  });

  test("403 on another project's image: use the owner's credentials", async () => {
    const { message } = await created(apiError(403), "p-me", {
      id: "img-1",
      visibility: "shared",
      owner: "p-owner",
    });
    expect(message).toContain(
      `${headline}: image img-1 belongs to project p-owner, but the credentials are scoped to ` +
        "project p-me; only the owner project can add members.",
    );
  });

  test("403 otherwise: only the owner, while shared, can add members", async () => {
    const owned = { id: "img-1", visibility: "shared", owner: "p-owner" };
    for (const [projectId, image, scope] of [
      ["p-owner", owned, "project p-owner"],
      [null, owned, "the configured project"],
      ["p-me", "gone", "project p-me"],
      ["p-me", "unreadable", "project p-me"],
      ["p-me", { id: "img-1" }, "project p-me"],
    ] as const) {
      expect((await created(apiError(403), projectId, image)).message).toContain(
        `${headline}: the image service does not allow ${scope} to add members to this image. ` +
          'Only the owner project can, and only while the image\'s visibility is "shared". (server said',
      );
    }
  });

  test("404, 413, 400 and anything else", async () => {
    expect((await created(apiError(404))).message).toContain(
      `${headline}: image img-1 does not exist or is not visible to project p-owner. Check the id ` +
        "and the region, and that the credentials belong to the image's owner (a project the " +
        "image is shared with cannot add members). (server said",
    );
    expect((await created(apiError(404), null)).message).toContain(
      "is not visible to the configured project.",
    );
    expect((await created(apiError(413))).message).toContain(
      `${headline}: image img-1 already has as many members as the cloud allows ` +
        "(image_member_quota). Remove members that are no longer needed, or ask the operators to " +
        "raise the quota. (server said",
    );
    expect((await created(apiError(400))).message).toContain(
      `${headline}: the image service refused member id "p-consumer".`,
    );
    expect((await created(apiError(418))).message).toBe(
      `${headline}: unexpected answer 418 from the image service. (server said: HTTP 418, request id req-1)`,
    );
  });

  test("the project is asked only for a 403 or a 404", async () => {
    let asked = 0;
    const { connection: c } = connection("p-owner");
    const counting = { ...c, projectId: async () => (asked++, "p-owner") } as Connection;
    await explainCreateFailure(apiError(409), ref, counting, "ImageMember");
    await explainCreateFailure(apiError(413), ref, counting, "ImageMember");
    expect(asked).toBe(0);
    await explainCreateFailure(apiError(404), ref, counting, "ImageMember");
    expect(asked).toBe(1);
  });
});

describe("explaining a failed read, update or delete", () => {
  const other = (error: unknown) =>
    explainOtherFailure(error, "Cannot remove p-consumer", ref).message;

  test("403: only the owner project can manage the members", () => {
    expect(other(apiError(403))).toBe(
      "Cannot remove p-consumer: the credentials are not allowed to manage the members of image " +
        'img-1; only the image\'s owner project can (and only while the image is "shared"). Use ' +
        "the owner's credentials. (server said: HTTP 403, request id req-1)",
    );
  });

  test("another status, a common failure, and no API answer", () => {
    expect(other(apiError(409))).toBe(
      "Cannot remove p-consumer: unexpected answer 409 from the image service. (server said: HTTP 409, request id req-1)",
    );
    expect(other(apiError(500))).toContain("the image service failed (500)");
    expect(other(new Error("reset"))).toBe("Cannot remove p-consumer: reset");
    expect(other(null)).toBe("Cannot remove p-consumer: null");
  });
});
