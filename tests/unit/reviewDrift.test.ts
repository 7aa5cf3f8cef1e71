/**
 * What the review reads from a refresh, change by change (the whole list, not words of the
 * report): a member deleted or its status set outside Pulumi, for each resource kind and for
 * each way an engine prints the refresh (`refresh` with the plan's old state, `update`,
 * `delete`); members an `exclusive` refresh found; and resources known by their state's type
 * when the URN cannot be read.
 */
import { AccessChange, reviewPreview } from "../../provider/review/changes";
import { parsePreview } from "../../provider/review/preview";
import {
  imageA,
  imageMembersState,
  memberState,
  refreshPreview,
  state,
  Step,
  typeOf,
  urnOf,
} from "../support/previewSteps";

const review = (refresh: Step[], plan: Step[] = []) =>
  reviewPreview(parsePreview(refreshPreview(refresh, plan)));
const known = (value: string) => ({ kind: "known", value });
const absent = { kind: "absent" };
const drifts = (changes: AccessChange[]) =>
  changes.map((c) =>
    c.type === "drift"
      ? [c.what, c.project.id, c.before, c.after, c.source.name]
      : [c.type, c.source.name],
  );

describe("review of a refresh: ImageMember", () => {
  const urn = urnOf("ImageMember", "qa");
  const before = memberState("p-qa", "accepted");
  const rejected = memberState("p-qa", "rejected");

  test("the engine's refresh step: what it read is the plan's old state", () => {
    const found = review(
      [{ op: "refresh", urn, oldState: before, newState: before }],
      [{ op: "update", urn, oldState: rejected, newState: before }],
    );
    expect(drifts(found.changes.filter((c) => c.type === "drift"))).toEqual([
      ["status", known("p-qa"), known("accepted"), known("rejected"), "qa"],
    ]);
    expect(found.ownResources).toBe(1);
  });

  test("refresh or update steps without a plan step: what they read is their new state", () => {
    for (const op of ["refresh", "update"]) {
      const found = review([{ op, urn, oldState: before, newState: rejected }]);
      expect(drifts(found.changes)).toEqual([
        ["status", known("p-qa"), known("accepted"), known("rejected"), "qa"],
      ]);
      expect(found.ownResources).toBe(1);
    }
    // Any other op read nothing.
    expect(review([{ op: "same", urn, oldState: before, newState: rejected }]).changes).toEqual([]);
  });

  test("deleted outside Pulumi: a delete step, or a plan that creates it again", () => {
    const viaDelete = review(
      [{ op: "delete", urn, oldState: before }],
      [{ op: "same", urn, oldState: before, newState: before }],
    );
    const viaCreate = review(
      [{ op: "refresh", urn, oldState: before, newState: before }],
      [
        {
          op: "create",
          urn,
          newState: state("ImageMember", { imageId: imageA, memberId: "p-qa" }),
        },
      ],
    );
    for (const found of [viaDelete, viaCreate]) {
      expect(drifts(found.changes.filter((c) => c.type === "drift"))).toEqual([
        ["deleted", known("p-qa"), known("accepted"), absent, "qa"],
      ]);
    }
    // A plan step with no old state that does not create: nothing was read.
    expect(
      review(
        [{ op: "refresh", urn, oldState: before, newState: before }],
        [{ op: "same", urn, newState: before }],
      ).changes.filter((c) => c.type === "drift"),
    ).toEqual([]);
  });

  test("an unreadable URN: the state's type tells the resource; a step without state is not ours", () => {
    const found = review([
      { op: "delete", urn: "not-a-urn", oldState: before },
      { op: "refresh", urn: "also-not-a-urn" },
    ]);
    expect(found.changes).toEqual([
      expect.objectContaining({
        type: "drift",
        what: "deleted",
        source: { kind: "ImageMember", name: "not-a-urn" },
      }),
    ]);
    expect(found.ownResources).toBe(1);
  });
});

describe("review of a refresh: ImageMemberAcceptance and ImageMembers", () => {
  test("an acceptance reset outside Pulumi, its project read from outputs or inputs", () => {
    const urn = urnOf("ImageMemberAcceptance", "accept");
    const accepted = (where: "inputs" | "outputs") =>
      where === "outputs"
        ? state(
            "ImageMemberAcceptance",
            { imageId: imageA, status: "accepted" },
            { imageId: imageA, memberId: "p-me", status: "accepted" },
          )
        : state(
            "ImageMemberAcceptance",
            { imageId: imageA, memberId: "p-me", status: "accepted" },
            { imageId: imageA, status: "accepted" },
          );
    for (const where of ["inputs", "outputs"] as const) {
      const reset = {
        ...accepted(where),
        outputs: { ...accepted(where).outputs, status: "pending" },
      };
      const found = review([{ op: "update", urn, oldState: accepted(where), newState: reset }]);
      expect(drifts(found.changes)).toEqual([
        ["status", known("p-me"), known("accepted"), known("pending"), "accept"],
      ]);
    }
  });

  test("ImageMembers: deleted, rejected, granted by hand (an exclusive refresh) or unchanged, the state's members read, not the program's", () => {
    const urn = urnOf("ImageMembers", "all");
    const before = imageMembersState(
      { imageId: imageA, memberIds: ["p-a", "p-b", "p-c"] },
      // p-d and p-e: found by an earlier exclusive refresh, so in the state but not the program.
      {
        "p-a": "accepted",
        "p-b": "accepted",
        "p-c": "pending",
        "p-d": "pending",
        "p-e": "accepted",
      },
    );
    const after = imageMembersState(
      { imageId: imageA, memberIds: ["p-a", "p-b", "p-c"] },
      {
        "p-b": "rejected",
        "p-c": "pending",
        "p-d": "pending",
        "p-x": "pending",
      },
    );
    const found = review([{ op: "update", urn, oldState: before, newState: after }]);
    expect(drifts(found.changes)).toEqual([
      ["deleted", known("p-a"), known("accepted"), absent, "all"],
      ["status", known("p-b"), known("accepted"), known("rejected"), "all"],
      ["deleted", known("p-e"), known("accepted"), absent, "all"],
      ["granted", known("p-x"), absent, known("pending"), "all"],
    ]);
    const gone = review([{ op: "delete", urn, oldState: before }]);
    expect(drifts(gone.changes).map((d) => [d[0], d[1]])).toEqual([
      ["deleted", known("p-a")],
      ["deleted", known("p-b")],
      ["deleted", known("p-c")],
      ["deleted", known("p-d")],
      ["deleted", known("p-e")],
    ]);
  });
});

test("ImageMembers: a member read back without a status is no status change", () => {
  const urn = urnOf("ImageMembers", "all");
  const before = imageMembersState({ imageId: imageA, memberIds: ["p-a"] }, { "p-a": "accepted" });
  const after = state(
    "ImageMembers",
    { imageId: imageA, memberIds: ["p-a"] },
    { imageId: imageA, members: [{ memberId: "p-a" }] },
  );
  expect(review([{ op: "update", urn, oldState: before, newState: after }]).changes).toEqual([]);
});

describe("which resources are the package's", () => {
  test("a URN of another type whose state is one of ours counts; a type named like Object's own properties does not", () => {
    const found = reviewPreview(
      parsePreview(
        JSON.stringify({
          steps: [
            {
              op: "create",
              urn: "urn:pulumi:dev::app::pulumi-nodejs:dynamic:Resource::old-style",
              newState: {
                type: typeOf("ImageMember"),
                inputs: { imageId: imageA, memberId: "p-1" },
                outputs: {},
              },
            },
            {
              op: "create",
              urn: "urn:pulumi:dev::app::constructor::odd",
              newState: { type: "constructor", inputs: {}, outputs: {} },
            },
            {
              op: "create",
              urn: "not-a-urn",
              newState: {
                type: typeOf("ImageMember"),
                inputs: { imageId: imageA, memberId: "p-2" },
                outputs: {},
              },
            },
          ],
        }),
      ),
    );
    expect(found.changes.map((c) => [c.type, c.source])).toEqual([
      ["gain", { kind: "ImageMember", name: "old-style" }],
      ["gain", { kind: "ImageMember", name: "not-a-urn" }],
    ]);
    expect(found.ownResources).toBe(2);
    expect(found.otherOps.get("create")).toBe(1);
  });
});
