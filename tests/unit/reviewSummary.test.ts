/**
 * The review's summary for automation (`review --json FILE`), computed in the process: the
 * counts of each kind of change, the images touched, the preview's errors, and the allow-list
 * gate with its offenders, also where a project or an image is secret or not yet known.
 * tests/unit/reviewForAutomation.test.ts checks the built command writes it.
 */
import { reviewText } from "../../provider/review";
import {
  created,
  imageA,
  imageB,
  imageMembersState,
  memberState,
  preview,
  refreshPreview,
  state,
  urnOf,
} from "../support/previewSteps";

const acceptanceState = (status: string) =>
  state("ImageMemberAcceptance", { imageId: imageB, memberId: "p-me", status });

const changes = preview(
  [
    created("ImageMember", "share-with-ops", { imageId: imageA, memberId: "p-ops" }),
    created("ImageMember", "share-with-secret", { imageId: imageA, memberId: "[secret]" }),
    created("ImageMember", "share-later", {
      imageId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      memberId: "p-late",
    }),
    {
      op: "update",
      urn: urnOf("ImageMemberAcceptance", "accept"),
      oldState: acceptanceState("pending"),
      newState: acceptanceState("accepted"),
    },
    {
      op: "update",
      urn: urnOf("ImageMembers", "hidden"),
      oldState: state("ImageMembers", { imageId: imageB, projects: ["p1"] }),
      newState: state("ImageMembers", { imageId: imageB, projects: "[secret]" }),
    },
    { op: "delete", urn: urnOf("ImageMember", "gone"), oldState: memberState("p-gone") },
  ],
  [
    { severity: "error", message: "boom" },
    { severity: "warning", message: "hm" },
  ],
);

test("each kind of change is counted, and the images it touches", () => {
  const { summary } = reviewText(changes);
  expect(summary).toEqual({
    gains: 3,
    losses: 1,
    swaps: 0,
    acceptanceChanges: 1,
    driftChanges: 0,
    opaque: 1,
    images: 3,
    previewErrors: 1,
  });
});

test("the gate: passed with no offenders, failed naming each, a secret or unknown one as such", () => {
  const grant = preview([
    created("ImageMember", "share-with-ops", { imageId: imageA, memberId: "p-ops" }),
  ]);
  const passed = reviewText(grant, { allowList: "p-ops\n", allowListName: "ok.txt" });
  expect(passed.summary?.allowedProjects).toEqual({ list: "ok.txt", passed: true, offenders: [] });
  expect(reviewText(grant).summary?.allowedProjects).toBeUndefined();

  const failed = reviewText(changes, { allowList: "p-other\n", allowListName: "list.txt" });
  expect(failed.exitCode).toBe(3);
  expect(failed.summary?.allowedProjects).toEqual({
    list: "list.txt",
    passed: false,
    offenders: [
      { project: "p-ops", image: imageA, resource: "ImageMember share-with-ops" },
      { project: "[secret]", image: imageA, resource: "ImageMember share-with-secret" },
      { project: "p-late", image: "(unknown)", resource: "ImageMember share-later" },
      { project: "[secret]", image: imageB, resource: "ImageMembers hidden" },
    ],
  });
});

test("a swap and a change made outside Pulumi are counted as such", () => {
  const golden = urnOf("ImageMembers", "golden");
  const before = imageMembersState(
    { imageId: imageB, projects: { ops: "p1" } },
    { p1: "accepted" },
  );
  const refreshed = imageMembersState(
    { imageId: imageB, projects: { ops: "p1" } },
    { p1: "rejected" },
  );
  const { summary } = reviewText(
    refreshPreview(
      [{ op: "refresh", urn: golden, oldState: before, newState: before }],
      [
        {
          op: "replace",
          urn: urnOf("ImageMember", "share-with-dev"),
          oldState: memberState("p-old"),
          newState: state("ImageMember", { imageId: imageA, memberId: "p-new" }),
        },
        { op: "update", urn: golden, oldState: refreshed, newState: refreshed },
      ],
    ),
  );
  expect(summary).toMatchObject({ gains: 0, losses: 0, swaps: 1, driftChanges: 1, images: 2 });
});
