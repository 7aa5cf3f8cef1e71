/**
 * Which steps the review reads as the refresh's and which as the plan's when the engine prints
 * them out of the usual order (no stack step at all, refresh steps after the plan's start), and
 * the less common shapes of one resource's steps: a replacement whose old resource is kept
 * (`retainOnDelete`), a `delete-replaced` step that repeats the state it deletes, a URN that is
 * not a Pulumi one, a member under an ImageShare inside the program's own component, an empty id.
 */
import { reviewText } from "../../provider/review";
import { AccessChange, reviewPreview } from "../../provider/review/changes";
import { parsePreview } from "../../provider/review/preview";
import {
  created,
  imageA,
  memberState,
  preview,
  stackUrn,
  state,
  Step,
  typeOf,
  urnOf,
} from "../support/previewSteps";

const stack = { type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} };
const stackStep = (op: string): Step => ({ op, urn: stackUrn, oldState: stack, newState: stack });
/** A preview document with exactly these steps, in this order. */
const documentOf = (steps: Step[]) => JSON.stringify({ config: {}, steps, diagnostics: [] });
const changesOf = (steps: Step[]) =>
  reviewPreview(parsePreview(documentOf(steps))).changes.map((c: AccessChange) =>
    c.type === "drift" ? [c.type, c.what, c.source.name] : [c.type, c.source.name],
  );

const qaUrn = urnOf("ImageMember", "qa");
const qaRefreshed: Step = {
  op: "refresh",
  urn: qaUrn,
  oldState: memberState("p-qa", "accepted"),
  newState: memberState("p-qa", "rejected"),
};
const opsCreated: Step = created("ImageMember", "ops", { imageId: imageA, memberId: "p-ops" });

describe("review: refresh steps and plan steps", () => {
  test("without any stack step: refresh steps are the refresh's, every other step the plan's", () => {
    expect(changesOf([qaRefreshed, opsCreated])).toEqual([
      ["gain", "ops"],
      ["drift", "status", "qa"],
    ]);
  });

  test("refresh steps printed after the plan's stack step are still the refresh's", () => {
    const usual = changesOf([stackStep("refresh"), qaRefreshed, stackStep("same"), opsCreated]);
    expect(usual).toEqual([
      ["gain", "ops"],
      ["drift", "status", "qa"],
    ]);
    // The stack's own refresh step printed late does not start the plan there either.
    expect(changesOf([stackStep("same"), opsCreated, stackStep("refresh"), qaRefreshed])).toEqual(
      usual,
    );
  });
});

describe("review: one resource's steps", () => {
  const urn = urnOf("ImageMember", "dev");
  const oldState = memberState("p-old", "pending");
  const newState = state("ImageMember", { imageId: imageA, memberId: "p-new" });

  test("a replacement whose old member is kept (retainOnDelete: discard-replaced) is one swap", () => {
    const steps = [
      { op: "create-replacement", urn, oldState, newState },
      { op: "replace", urn, oldState, newState },
      { op: "discard-replaced", urn, oldState },
    ];
    expect(changesOf([stackStep("same"), ...steps])).toEqual([["swap", "dev"]]);
  });

  test("a delete-replaced step that repeats the state it deletes does not hide the new member", () => {
    const steps = [
      { op: "create-replacement", urn, oldState, newState },
      { op: "replace", urn, oldState, newState },
      { op: "delete-replaced", urn, oldState, newState: oldState },
    ];
    expect(changesOf([stackStep("same"), ...steps])).toEqual([["swap", "dev"]]);
  });

  test("a create step that carries an old state still grants access", () => {
    const report = reviewText(
      preview([{ op: "create", urn, oldState: newState, newState }]),
    ).report;
    expect(report).toContain("**1 project gains access · 0 lose access");
  });
});

describe("review: URNs and values", () => {
  test("a string that only looks like a URN is printed whole, not read as one", () => {
    const notPulumi = `urn:other::dev::app::${typeOf("ImageMember")}::ops`;
    const { report } = reviewText(preview([{ ...opsCreated, urn: notPulumi }]));
    expect(report).toContain(`— ImageMember \`${notPulumi}\``);
  });

  test("a member of an ImageShare inside the program's own component names its share", () => {
    const type = `acme:index:Platform$pulumi-image-members:index:ImageShare$${typeOf("ImageMember")}`;
    const { report } = reviewText(
      preview([
        {
          op: "create",
          urn: `urn:pulumi:dev::app::${type}::golden-p7`,
          newState: state("ImageMember", { imageId: imageA, memberId: "p7" }),
        },
      ]),
    );
    expect(report).toContain("- `p7` — ImageMember `golden-p7` of ImageShare `golden`");
  });

  test("an empty member id is no member: nothing gains access", () => {
    const { report } = reviewText(
      preview([
        { ...opsCreated, newState: state("ImageMember", { imageId: imageA, memberId: "" }) },
      ]),
    );
    expect(report).toContain("**No access changes.**");
    expect(report).toContain("1 create (steps that change no image access)");
  });

  test("an empty project id in an ImageMembers list is printed as unset, with its label", () => {
    const { report } = reviewText(
      preview([created("ImageMembers", "many", { imageId: imageA, projects: { ops: "" } })]),
    );
    expect(report).toContain("**Gain access** (1)\n\n- unset (`ops`) — ImageMembers `many`");
  });

  test("an empty image id is printed as unset", () => {
    const { report } = reviewText(
      preview([
        { ...opsCreated, newState: state("ImageMember", { imageId: "", memberId: "p-ops" }) },
      ]),
    );
    expect(report).toContain(
      "### Image unset\n\n**Gain access** (1)\n\n- `p-ops` (`ops`) — ImageMember `ops`",
    );
  });
});
