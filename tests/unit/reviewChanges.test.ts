import { reviewText } from "../../provider/review";
import {
  created,
  imageA,
  imageB,
  imageMembersState,
  memberState,
  membersOutput,
  preview,
  state,
  Step,
  urnOf,
} from "../support/previewSteps";

/** The report's bullet lines (one per change), without the summary. */
function bullets(report: string): string[] {
  const detail = report.slice(report.indexOf("### Image"));
  return detail.split("\n").filter((line) => line.startsWith("- "));
}

function review(steps: Step[], allowList?: string) {
  const outcome = reviewText(preview(steps), { allowList });
  return { ...outcome, lines: bullets(outcome.report) };
}

const oldImageMembers = (memberIds: string[], statuses: Record<string, string>, imageId = imageA) =>
  state(
    "ImageMembers",
    { imageId, memberIds },
    { imageId, members: membersOutput(statuses), managingProjectId: "owner" },
  );

describe("review: ImageMember", () => {
  test("a create gains access under the resource's name; a delete loses it with its status", () => {
    const { report, lines, exitCode } = review([
      created("ImageMember", "share-with-ops", { imageId: imageA, memberId: "p-ops" }),
      {
        op: "delete",
        urn: urnOf("ImageMember", "share-with-qa"),
        oldState: memberState("p-qa", "accepted"),
      },
    ]);
    expect(exitCode).toBe(0);
    expect(report).toContain("**1 project gains access · 1 loses access · 0 swaps");
    expect(report).toContain(`### Image \`${imageA}\``);
    expect(lines).toEqual([
      "- `p-qa` (`share-with-qa`) — **accepted: they can no longer launch from it** — ImageMember `share-with-qa`",
      "- `p-ops` (`share-with-ops`) — ImageMember `share-with-ops`",
    ]);
    expect(report).toContain("1 project that had accepted the image loses access");
  });

  test("a replace whose memberId changes is one swap, also as create-replacement + replace + delete-replaced", () => {
    const urn = urnOf("ImageMember", "share-with-dev");
    const oldState = memberState("p-old", "pending");
    const newState = state("ImageMember", { imageId: imageA, memberId: "p-new" });
    const single = review([{ op: "replace", urn, oldState, newState }]);
    const triple = review([
      { op: "create-replacement", urn, oldState, newState },
      { op: "replace", urn, oldState, newState },
      { op: "delete-replaced", urn, oldState },
    ]);
    const expected = [
      "- `p-old` (`share-with-dev`) → `p-new` (`share-with-dev`) — leaving: pending: had not accepted it yet — ImageMember `share-with-dev`",
    ];
    expect(single.lines).toEqual(expected);
    expect(triple.lines).toEqual(expected);
    expect(triple.report).toContain("0 projects gain access · 0 lose access · 1 swap ·");
  });

  test("a delete and a create of one URN are one swap too, and a resource name may hold ::", () => {
    const urn = urnOf("ImageMember", "team::dev");
    const { lines, report } = review([
      { op: "delete", urn, oldState: memberState("p-old", "pending") },
      { op: "create", urn, newState: state("ImageMember", { imageId: imageA, memberId: "p-new" }) },
    ]);
    expect(lines).toEqual([
      "- `p-old` (`team::dev`) → `p-new` (`team::dev`) — leaving: pending: had not accepted it yet — ImageMember `team::dev`",
    ]);
    expect(report).toContain("0 projects gain access · 0 lose access · 1 swap ·");
  });

  test("a status the state lacks or Glance does not use, a control character, an id too long to print", () => {
    const longest = `p${"x".repeat(119)}`;
    const tooLong = `p${"y".repeat(130)}`;
    const grant = (name: string, memberId: string) =>
      created("ImageMember", name, { imageId: imageA, memberId });
    const { lines } = review([
      {
        op: "delete",
        urn: urnOf("ImageMember", "gone"),
        oldState: state("ImageMember", { imageId: imageA, memberId: "p-a" }),
      },
      {
        op: "delete",
        urn: urnOf("ImageMember", "odd"),
        oldState: state(
          "ImageMember",
          { imageId: imageA, memberId: "p-b" },
          { imageId: imageA, memberId: "p-b", status: "weird`status" },
        ),
      },
      grant("longest", longest),
      grant("long", tooLong),
      grant("ctl", "p\u0007\u202eq\u009f"),
    ]);
    expect(lines).toEqual([
      "- `p-a` (`gone`) — status not recorded — ImageMember `gone`",
      "- `p-b` (`odd`) — status `weird?status` — ImageMember `odd`",
      `- \`${longest}\` (\`longest\`) — ImageMember \`longest\``,
      `- \`${tooLong.slice(0, 119)}…\` (\`long\`) — ImageMember \`long\``,
      "- `p??q?` (`ctl`) — ImageMember `ctl`",
    ]);
  });

  test("a replace that moves to another image: loss on one image, gain on the other", () => {
    const { lines, report } = review([
      {
        op: "replace",
        urn: urnOf("ImageMember", "m"),
        oldState: memberState("p1", "rejected", imageA),
        newState: state("ImageMember", { imageId: imageB, memberId: "p1" }),
      },
    ]);
    expect(lines).toEqual([
      "- `p1` (`m`) — rejected: had declined it — ImageMember `m`",
      "- `p1` (`m`) — ImageMember `m`",
    ]);
    expect(report).toContain("on 2 images");
  });

  test("ImageShare children carry no name (it is the project id) but name their share", () => {
    const { lines } = review([
      created("ImageMember", "golden-p7", { imageId: imageA, memberId: "p7" }, "golden"),
    ]);
    expect(lines).toEqual(["- `p7` — ImageMember `golden-p7` of ImageShare `golden`"]);
  });

  test("an unknown member id or image id reads 'known after apply'", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const { report, lines } = review([
      created("ImageMember", "later", { imageId: unknown, memberId: unknown }),
    ]);
    expect(report).toContain("### Image known after apply");
    expect(lines).toEqual(["- known after apply (`later`) — ImageMember `later`"]);
    expect(report).not.toContain(unknown);
  });

  test("same and update steps that change no access count as everything else", () => {
    const { report, exitCode } = review([
      {
        op: "same",
        urn: urnOf("ImageMember", "a"),
        oldState: memberState("p1"),
        newState: memberState("p1"),
      },
      {
        op: "update",
        urn: urnOf("ImageMember", "b"),
        oldState: memberState("p2"),
        newState: state("ImageMember", { imageId: imageA, memberId: "p2", adoptExisting: true }),
      },
      {
        op: "create",
        urn: "urn:pulumi:dev::app::random:index:RandomId::r",
        newState: { type: "random:index:RandomId", inputs: {}, outputs: {} },
      },
    ]);
    expect(exitCode).toBe(0);
    expect(report).toContain("**No access changes.**");
    expect(report).toContain(
      "Everything else: 1 create, 1 update (steps that change no image access); 2 unchanged.",
    );
  });
});

describe("review: ImageMembers", () => {
  test("old list form: remove b, add e is one loss and one gain, nothing for a, c, d", () => {
    const { lines } = review([
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: oldImageMembers(["a", "b", "c", "d"], {
          a: "accepted",
          b: "accepted",
          c: "pending",
          d: "rejected",
        }),
        newState: state("ImageMembers", { imageId: imageA, memberIds: ["a", "c", "d", "e"] }),
      },
    ]);
    expect(lines).toEqual([
      "- `b` — **accepted: they can no longer launch from it** — ImageMembers `many`",
      "- `e` — ImageMembers `many`",
    ]);
  });

  test("reordering the list changes nothing", () => {
    const { report } = review([
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: oldImageMembers(["a", "b"], { a: "pending", b: "pending" }),
        newState: state("ImageMembers", { imageId: imageA, memberIds: ["b", "a"] }),
      },
    ]);
    expect(report).toContain("**No access changes.**");
  });

  test("old list state to the new projects map: the upgrade itself changes no access; labels name projects", () => {
    const { lines } = review([
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: oldImageMembers(["p1", "p2"], { p1: "accepted", p2: "pending" }),
        newState: state("ImageMembers", {
          imageId: imageA,
          projects: { ops: "p1", p3: "p3", qa: "p4" },
        }),
      },
    ]);
    expect(lines).toEqual([
      "- `p2` — pending: had not accepted it yet — ImageMembers `many`",
      "- `p3` — ImageMembers `many`",
      "- `p4` (`qa`) — ImageMembers `many`",
    ]);
  });

  test("new map form on both sides: a label whose project changes is a swap", () => {
    const { lines } = review([
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: imageMembersState(
          { imageId: imageA, projects: { ops: "p1", qa: "p2" } },
          { p1: "accepted", p2: "pending" },
        ),
        newState: state("ImageMembers", { imageId: imageA, projects: { ops: "p9", qa: "p2" } }),
      },
    ]);
    expect(lines).toEqual([
      "- `p1` (`ops`) → `p9` (`ops`) — leaving: **accepted: they can no longer launch from it** — ImageMembers `many`",
    ]);
  });

  test("a delete loses every member with its status; a create gains every one", () => {
    const { lines } = review([
      {
        op: "delete",
        urn: urnOf("ImageMembers", "old"),
        oldState: oldImageMembers(["a", "b"], { a: "unknown", b: "rejected" }, imageB),
      },
      created("ImageMembers", "new", { imageId: imageA, projects: { x: "px" } }),
    ]);
    expect(lines).toEqual([
      "- `a` — status unknown (a member whose creation was not confirmed) — ImageMembers `old`",
      "- `b` — rejected: had declined it — ImageMembers `old`",
      "- `px` (`x`) — ImageMembers `new`",
    ]);
  });

  test("a member missing from a refreshed state's outputs but still declared is granted again", () => {
    const { lines } = review([
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: oldImageMembers(["a", "b"], { a: "accepted" }),
        newState: state("ImageMembers", { imageId: imageA, memberIds: ["a", "b"] }),
      },
    ]);
    expect(lines).toEqual(["- `b` — ImageMembers `many`"]);
  });
});

describe("review: ImageMemberAcceptance", () => {
  const urn = urnOf("ImageMemberAcceptance", "accept-golden");
  const accepted = state(
    "ImageMemberAcceptance",
    { imageId: imageA, status: "accepted" },
    { imageId: imageA, memberId: "consumer", status: "accepted" },
  );

  test("create, update and delete (with statusOnDelete) are acceptance changes, not grants", () => {
    const { lines, report } = review(
      [
        created("ImageMemberAcceptance", "new", { imageId: imageB, status: "accepted" }),
        {
          op: "update",
          urn,
          oldState: accepted,
          newState: state("ImageMemberAcceptance", { imageId: imageA, status: "rejected" }),
        },
        {
          op: "delete",
          urn: urnOf("ImageMemberAcceptance", "gone"),
          oldState: state(
            "ImageMemberAcceptance",
            { imageId: imageA, memberId: "c2", status: "accepted", statusOnDelete: "pending" },
            { imageId: imageA, memberId: "c2", status: "accepted" },
          ),
        },
      ],
      "",
    );
    expect(lines).toEqual([
      // imageB sorts before imageA; neither image loses a project.
      "- the project of its credentials: accepted (set by a new resource) — ImageMemberAcceptance `new`",
      "- `consumer`: accepted → rejected (changed) — ImageMemberAcceptance `accept-golden`",
      "- `c2`: accepted → pending (resource deleted: the status is reset) — ImageMemberAcceptance `gone`",
    ]);
    expect(report).toContain("3 acceptance changes");
    expect(report).toContain("**Allowed projects: passed.**");
  });

  test("a delete without statusOnDelete resets to rejected", () => {
    const { lines } = review([{ op: "delete", urn, oldState: accepted }]);
    expect(lines).toEqual([
      "- `consumer`: accepted → rejected (resource deleted: the status is reset) — ImageMemberAcceptance `accept-golden`",
    ]);
  });
});

describe("review: hostile input", () => {
  test("names and statuses that are JavaScript object keys stay plain text", () => {
    const { lines, report } = review([
      {
        op: "delete",
        urn: urnOf("ImageMember", "constructor"),
        oldState: memberState("toString", "constructor"),
      },
      {
        op: "create",
        urn: "urn:pulumi:dev::app::constructor::x",
        newState: { type: "__proto__", inputs: {}, outputs: {} },
      },
    ]);
    expect(lines).toEqual([
      "- `toString` (`constructor`) — status `constructor` — ImageMember `constructor`",
    ]);
    expect(report).toContain("Everything else: 1 create");
    expect(report).not.toContain("native code");
  });

  test("backticks and line breaks in names cannot break out of the code spans", () => {
    const { lines } = review([
      created("ImageMember", "a`b\n## Approved", { imageId: imageA, memberId: "p1" }),
    ]);
    expect(lines).toEqual(["- `p1` (`a?b?## Approved`) — ImageMember `a?b?## Approved`"]);
  });
});

describe("review: the provider plugin's resources (YAML programs)", () => {
  test("imagemembers:index:* steps read as the dynamic resources' do", () => {
    const pluginUrn = (kind: string, name: string) =>
      `urn:pulumi:dev::app::imagemembers:index:${kind}::${name}`;
    const { report, lines, exitCode } = review([
      {
        op: "create",
        urn: pluginUrn("ImageMember", "share-with-ops"),
        newState: {
          type: "imagemembers:index:ImageMember",
          inputs: { imageId: imageA, memberId: "p-ops" },
          outputs: {},
        },
      },
      {
        op: "delete",
        urn: pluginUrn("ImageMember", "share-with-qa"),
        oldState: {
          type: "imagemembers:index:ImageMember",
          inputs: { imageId: imageA, memberId: "p-qa" },
          outputs: { imageId: imageA, memberId: "p-qa", status: "accepted" },
        },
      },
    ]);
    expect(exitCode).toBe(0);
    expect(report).toContain("**1 project gains access · 1 loses access · 0 swaps");
    expect(lines).toEqual([
      "- `p-qa` (`share-with-qa`) — **accepted: they can no longer launch from it** — ImageMember `share-with-qa`",
      "- `p-ops` (`share-with-ops`) — ImageMember `share-with-ops`",
    ]);
  });
});
