/**
 * The words of the not-found verdict (provider/resources/common/notFound.ts), exactly: a
 * member hidden by the image's visibility, and a 404 the image could not be read to confirm.
 * The resources' tests check when each is raised; these check what each says, for one
 * membership and for several.
 */
import { hiddenByVisibility, unconfirmedNotFound } from "../../provider/resources/common/notFound";
import { ApiError } from "../../provider/transport/errors";

const answer = (status: number, message: string) =>
  new ApiError(
    { method: "GET", target: "glance.test/v2/images/img-1/members" },
    status,
    message,
    "req-1",
    undefined,
    false,
  );

describe("hiddenByVisibility", () => {
  const image = (visibility?: string) => ({ id: "img-1", visibility }) as never;
  const forbidden = answer(403, "Only shared images have members.");

  test.each(["private", "public", "community"])(
    "a %s image: kept in state, with the two ways out",
    (visibility) => {
      const error = hiddenByVisibility(
        "Cannot read member p-they of image img-1",
        image(visibility),
        "the membership of project p-they",
        forbidden,
      );
      expect(error?.message).toBe(
        `Cannot read member p-they of image img-1: image img-1 is now "${visibility}", so the ` +
          `image service hides its members, but the membership of project p-they still exists ` +
          `and is kept in state. Make the image shared again (openstack image set --shared ` +
          `img-1) and run pulumi again; if it should stay ${visibility}, remove this resource ` +
          `from the program and from state with pulumi state delete. (server said: HTTP 403, ` +
          `"Only shared images have members.", request id req-1)`,
      );
    },
  );

  test("several memberships (or 'they'): the plural", () => {
    for (const what of ["the memberships of projects a, b", "they"]) {
      expect(
        hiddenByVisibility("Cannot read", image("private"), what, forbidden)?.message,
      ).toContain(`but ${what} still exist and are kept in state.`);
    }
  });

  test("a shared image, or one whose visibility is not given, hides nothing", () => {
    expect(hiddenByVisibility("h", image("shared"), "they", forbidden)).toBeUndefined();
    expect(hiddenByVisibility("h", image(undefined), "they", forbidden)).toBeUndefined();
  });
});

describe("unconfirmedNotFound", () => {
  const notFound = answer(404, "p-1 not found in the member list of the image img-1.");

  test("one membership, then several: nothing changed in state, try again", () => {
    expect(
      unconfirmedNotFound("Cannot read", "img-1", "the membership of project p-1", notFound)
        .message,
    ).toBe(
      "Cannot read: the image service says membership of project p-1 is not found, but image " +
        "img-1 could not be read to confirm it; nothing was changed in state. Try again. " +
        '(server said: HTTP 404, "p-1 not found in the member list of the image img-1.", ' +
        "request id req-1)",
    );
    expect(unconfirmedNotFound("Cannot read", "img-1", "they", notFound).message).toContain(
      "the image service says they are not found, but image img-1",
    );
    // Only a leading "the " is dropped, and only "they" itself is plural.
    for (const [what, says] of [
      ["theyre", "says theyre is not found"],
      ["the membership of project p-they", "says membership of project p-they is not found"],
      ["members of the image", "says members of the image is not found"],
    ]) {
      expect(unconfirmedNotFound("Cannot read", "img-1", what, notFound).message).toContain(says);
    }
  });
});
