/**
 * How the review reads the package's resources' states: the names Glance's members output
 * carries, an input recorded as null, a member named as its project id, ImageShare children
 * whose name has no project suffix, and an acceptance whose new status is still the old output.
 */
import { reviewText } from "../../provider/review";
import { imageA, preview, state, Step, typeOf, urnOf } from "../support/previewSteps";

/** The report's bullet lines (one per change), without the summary. */
const bullets = (steps: Step[]) => {
  const report = reviewText(preview(steps)).report;
  return report
    .slice(report.indexOf("### Image"))
    .split("\n")
    .filter((line) => line.startsWith("- "));
};

const member = (memberId: string, status: string, extra: Record<string, unknown> = {}) => ({
  memberId,
  status,
  createdAt: "2026-11-30T10:00:00Z",
  updatedAt: "2026-11-30T10:00:00Z",
  ...extra,
});

describe("review: what a state says", () => {
  test("ImageMembers deleted: a member's name in the members output is printed, unless it is its id; one without an id is none", () => {
    const team = urnOf("ImageMembers", "team");
    const oldState = state(
      "ImageMembers",
      { imageId: imageA, memberIds: ["p-a", "p-b", "p-c"] },
      {
        imageId: imageA,
        members: [
          member("p-a", "pending", { name: "alice" }),
          member("p-b", "pending", { name: "p-b" }),
          member("p-c", "pending", { name: 7 }),
          // No readable project id: no grant to print.
          { status: "accepted", name: "ghost" },
        ],
      },
    );
    expect(bullets([{ op: "delete", urn: team, oldState }])).toEqual([
      "- `p-a` (`alice`) — pending: had not accepted it yet — ImageMembers `team`",
      "- `p-b` — pending: had not accepted it yet — ImageMembers `team`",
      "- `p-c` — pending: had not accepted it yet — ImageMembers `team`",
    ]);
  });

  test("an input recorded as null is read from the outputs; a member named as its project id has no name", () => {
    const oldState = state(
      "ImageMember",
      { imageId: null, memberId: "p-ops" },
      { imageId: imageA, memberId: "p-ops", status: "pending" },
    );
    const report = reviewText(
      preview([{ op: "delete", urn: urnOf("ImageMember", "p-ops"), oldState }]),
    ).report;
    expect(report).toContain(`### Image \`${imageA}\``);
    expect(report).toContain("- `p-ops` — pending: had not accepted it yet — ImageMember `p-ops`");
  });

  test("an ImageShare child without a project suffix, and an ImageMembers under a share, name no share", () => {
    const under = (kind: "ImageMember" | "ImageMembers", name: string) =>
      `urn:pulumi:dev::app::pulumi-image-members:index:ImageShare$${typeOf(kind)}::${name}`;
    const created = (urn: string, memberId: string): Step => ({
      op: "create",
      urn,
      newState: state("ImageMember", { imageId: imageA, memberId }),
    });
    expect(
      bullets([
        created(under("ImageMember", "p7"), "p7"),
        created(under("ImageMember", "-p8"), "p8"),
        {
          op: "create",
          urn: under("ImageMembers", "golden-members"),
          newState: state("ImageMembers", { imageId: imageA, memberIds: ["p9"] }),
        },
      ]),
    ).toEqual([
      "- `p7` — ImageMember `p7`",
      "- `p8` (`-p8`) — ImageMember `-p8`",
      "- `p9` — ImageMembers `golden-members`",
    ]);
  });

  test("an acceptance's new status is the program's, not the output the preview still shows", () => {
    const urn = urnOf("ImageMemberAcceptance", "accept");
    const oldState = state("ImageMemberAcceptance", { imageId: imageA, status: "pending" });
    const newState = state(
      "ImageMemberAcceptance",
      { imageId: imageA, status: "accepted" },
      { imageId: imageA, status: "pending" },
    );
    expect(bullets([{ op: "update", urn, oldState, newState }])).toEqual([
      "- the project of its credentials: pending → accepted (changed) — ImageMemberAcceptance `accept`",
    ]);
  });
});
