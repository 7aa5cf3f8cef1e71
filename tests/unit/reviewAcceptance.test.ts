/**
 * The review of ImageMemberAcceptance plans, change by change: starts managing, a status
 * change in place, one that had not reached Glance yet (the old side read from its outputs),
 * and a move to another image or project (the old one reset, the new one set); and a secret
 * project on both sides of an ImageMembers update, which cannot be shown as unchanged.
 */
import { reviewPreview } from "../../provider/review/changes";
import { parsePreview } from "../../provider/review/preview";
import { imageA, imageB, preview, state, Step, urnOf } from "../support/previewSteps";

const urn = urnOf("ImageMemberAcceptance", "accept");
const acceptance = (imageId: string, memberId: string, status: string, outputStatus = status) =>
  state(
    "ImageMemberAcceptance",
    { imageId, memberId, status },
    { imageId, memberId, status: outputStatus },
  );
const changes = (steps: Step[]) =>
  reviewPreview(parsePreview(preview(steps))).changes.map((c) =>
    c.type === "acceptance" ? [c.op, c.image, c.project.id, c.from, c.to] : [c.type],
  );
/** The changes found in an update of ImageMembers whose inputs are `inputs` before and after. */
const sameImageMembersUpdate = (inputs: Record<string, unknown>) => {
  const [oldState, newState] = [state("ImageMembers", inputs), state("ImageMembers", inputs)];
  const step = { op: "update", urn: urnOf("ImageMembers", "all"), oldState, newState };
  return reviewPreview(parsePreview(preview([step]))).changes;
};
const known = (value: string) => ({ kind: "known", value });
const absent = { kind: "absent" };

test("create: from nothing to the status it sets", () => {
  expect(
    changes([{ op: "create", urn, newState: acceptance(imageA, "p-me", "accepted") }]),
  ).toEqual([["create", known(imageA), known("p-me"), absent, known("accepted")]]);
});

test("a status change in place; the same status: nothing", () => {
  const old = acceptance(imageA, "p-me", "accepted");
  expect(
    changes([
      { op: "update", urn, oldState: old, newState: acceptance(imageA, "p-me", "rejected") },
    ]),
  ).toEqual([["update", known(imageA), known("p-me"), known("accepted"), known("rejected")]]);
  expect(changes([{ op: "update", urn, oldState: old, newState: old }])).toEqual([]);
});

test("the old side is what Glance had (its outputs), not what the program last asked", () => {
  const old = acceptance(imageA, "p-me", "accepted", "pending");
  expect(
    changes([
      { op: "update", urn, oldState: old, newState: acceptance(imageA, "p-me", "accepted") },
    ]),
  ).toEqual([["update", known(imageA), known("p-me"), known("pending"), known("accepted")]]);
});

test.each([
  ["another image", imageB, "p-me"],
  ["another project", imageA, "p-other"],
])("moved to %s: the old one reset to rejected, the new one set", (_, imageId, memberId) => {
  const old = acceptance(imageA, "p-me", "accepted");
  expect(
    changes([
      { op: "replace", urn, oldState: old, newState: acceptance(imageId, memberId, "accepted") },
    ]),
  ).toEqual([
    ["delete", known(imageA), known("p-me"), known("accepted"), known("rejected")],
    ["create", known(imageId), known(memberId), absent, known("accepted")],
  ]);
});

test("ImageMembers: a secret project on both sides cannot be shown unchanged: a swap of `[secret]` for `[secret]`", () => {
  const found = sameImageMembersUpdate({
    imageId: imageA,
    projects: { ops: "p-ops", vip: "[secret]" },
  });
  expect(found.map((c) => (c.type === "swap" ? [c.type, c.from.id, c.to.id] : [c.type]))).toEqual([
    ["swap", { kind: "secret" }, { kind: "secret" }],
  ]);
});

test("secret image ids or statuses on both sides cannot be shown unchanged", () => {
  const secretImage = acceptance("[secret]", "p-me", "accepted");
  expect(changes([{ op: "update", urn, oldState: secretImage, newState: secretImage }])).toEqual([
    ["delete", { kind: "secret" }, known("p-me"), known("accepted"), known("rejected")],
    ["create", { kind: "secret" }, known("p-me"), absent, known("accepted")],
  ]);
  const secretStatus = acceptance(imageA, "p-me", "[secret]");
  expect(changes([{ op: "update", urn, oldState: secretStatus, newState: secretStatus }])).toEqual([
    ["update", known(imageA), known("p-me"), { kind: "secret" }, { kind: "secret" }],
  ]);
  const found = sameImageMembersUpdate({ imageId: "[secret]", memberIds: ["p-ops"] });
  expect(found.map((c) => c.type)).toEqual(["swap"]);
});
