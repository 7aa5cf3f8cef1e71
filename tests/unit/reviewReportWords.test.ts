/**
 * The review's Markdown report word for word (provider/review/render.ts): what a reviewer
 * reads in the pull request. One review holding every kind of change, and the report's
 * smaller cases (nothing changes, no resource of this package in the preview, one of each,
 * the detail cut), each compared whole, so that no heading, count or sentence changes unseen;
 * then the rules behind the words: which images come first, what tells two images apart, when a
 * grant is "again", and where the lists of offenders and of misshapen ids stop.
 */
import type { AccessChange, Review } from "../../provider/review/changes";
import { renderReport } from "../../provider/review/render";
import type { ResourceRef } from "../../provider/review/resources";
import type { Shown } from "../../provider/review/values";

const known = (value: string): Shown => ({ kind: "known", value });
const member = (name: string): ResourceRef => ({ kind: "ImageMember", name });
const members = (name: string): ResourceRef => ({ kind: "ImageMembers", name });
const acceptance = (name: string): ResourceRef => ({ kind: "ImageMemberAcceptance", name });

const imageA = known("a-image");
const imageB = known("b-image");
const p = (n: number) => `${n}`.repeat(32).slice(0, 32);

function review(changes: AccessChange[], extra: Partial<Review> = {}): Review {
  return {
    changes,
    otherOps: new Map(),
    unchanged: 0,
    ownResources: changes.length,
    unlistedUnchanged: 0,
    previewErrors: 0,
    ...extra,
  };
}

/** Every kind of change, on two images and one known only after apply. */
const everyKind: AccessChange[] = [
  { type: "gain", image: imageB, project: { id: known(p(1)), name: "ops" }, source: members("b") },
  {
    type: "gain",
    image: imageB,
    project: { id: known(p(2)) },
    source: { kind: "ImageMember", name: "b-2", shareName: "share" },
  },
  {
    type: "drift",
    image: imageB,
    project: { id: known(p(2)) },
    what: "deleted",
    before: known("accepted"),
    after: { kind: "absent" },
    source: member("b-2"),
  },
  {
    type: "drift",
    image: imageB,
    project: { id: known(p(3)) },
    what: "status",
    before: known("pending"),
    after: known("rejected"),
    source: members("b"),
  },
  {
    type: "drift",
    image: imageB,
    project: { id: known(p(4)) },
    what: "granted",
    before: { kind: "absent" },
    after: known("pending"),
    source: members("b"),
  },
  {
    type: "drift",
    image: imageB,
    project: { id: known(p(5)) },
    what: "deleted",
    before: { kind: "absent" },
    after: { kind: "absent" },
    source: members("b"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: known(p(6)) },
    status: known("pending"),
    source: members("a"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: known(p(7)), name: "qa" },
    status: known("accepted"),
    source: members("a"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: known(p(8)) },
    status: known("rejected"),
    source: members("a"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: known(p(9)) },
    status: known("unknown"),
    source: members("a"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: { kind: "secret" } },
    status: { kind: "absent" },
    source: member("a-secret"),
  },
  {
    type: "loss",
    image: imageA,
    project: { id: known("a".repeat(32)) },
    status: known("odd"),
    source: member("a-odd"),
  },
  {
    type: "swap",
    image: imageA,
    from: { id: known("b".repeat(32)) },
    fromStatus: known("accepted"),
    to: { id: known("Ops-Project"), name: "ops" },
    source: member("a-swap"),
  },
  {
    type: "acceptance",
    image: imageA,
    project: { id: { kind: "absent" } },
    from: { kind: "absent" },
    to: known("accepted"),
    op: "create",
    source: acceptance("a-new"),
  },
  {
    type: "acceptance",
    image: imageA,
    project: { id: known(p(1)) },
    from: known("accepted"),
    to: known("rejected"),
    op: "update",
    source: acceptance("a-changed"),
  },
  {
    type: "acceptance",
    image: imageA,
    project: { id: known(p(2)) },
    from: known("accepted"),
    to: known("pending"),
    op: "delete",
    source: acceptance("a-gone"),
  },
  { type: "opaque", image: imageA, what: "secret", source: members("a-secret-list") },
  { type: "opaque", image: imageA, what: "unknown", source: members("a-later") },
  { type: "opaque", image: imageA, what: "refused", source: members("a-both") },
  {
    type: "gain",
    image: { kind: "unknown" },
    project: { id: { kind: "unknown" } },
    source: member("later"),
  },
];

describe("the report, word for word", () => {
  test("every kind of change: the counts, what needs attention, then each image, losses first", () => {
    const report = renderReport(
      review(everyKind, {
        otherOps: new Map([
          ["update", 2],
          ["create", 1],
        ]),
        unchanged: 1234,
        previewErrors: 2,
      }),
      {
        offenders: [
          {
            project: { id: known("Ops-Project"), name: "ops" },
            image: imageA,
            source: member("a-swap"),
          },
        ],
        allowListName: "allowed.txt",
      },
    );
    expect(report).toBe(`## Image access review

**3 projects gain access · 6 lose access · 1 swap · 3 acceptance changes · 4 changes outside Pulumi** on 3 images.

- **Attention: 2 projects that had accepted the image lose access: they can no longer launch from it.**
- **Attention: the refresh found 4 changes made outside Pulumi.**
- **Attention: 3 resources' project list is secret, known only after apply, or refused by the provider: not listed here.**
- **Attention: the preview reported 2 errors: this report may be incomplete (see the preview's own output).**

Everything else: 1 create, 2 update (steps that change no image access); 1,234 unchanged.

**Not a project id shape:** 1 grant goes to an id that is not 32 lowercase hexadecimal characters, which no project could accept (\`openstack project show NAME -f value -c id\` finds a project's id):

- \`Ops-Project\` (\`ops\`) (ImageMember \`a-swap\`): 11 characters, not 32 lowercase hexadecimal ones: probably a project name where its id belongs

**Allowed projects: failed.** 1 grant goes to a project not on the list (\`allowed.txt\`):

- \`Ops-Project\` (\`ops\`) on image \`a-image\` (ImageMember \`a-swap\`)

### Image \`a-image\`

**Lose access** (6)

- \`${p(7)}\` (\`qa\`) — **accepted: they can no longer launch from it** — ImageMembers \`a\`
- \`${p(6)}\` — pending: had not accepted it yet — ImageMembers \`a\`
- \`${p(8)}\` — rejected: had declined it — ImageMembers \`a\`
- \`${p(9)}\` — status unknown (a member whose creation was not confirmed) — ImageMembers \`a\`
- \`[secret]\` — status not recorded — ImageMember \`a-secret\`
- \`${"a".repeat(32)}\` — status \`odd\` — ImageMember \`a-odd\`

**Swapped (one project replaced by another)** (1)

- \`${"b".repeat(32)}\` → \`Ops-Project\` (\`ops\`) — leaving: **accepted: they can no longer launch from it** — ImageMember \`a-swap\`

**Acceptance status (the member project's side)** (3)

- the project of its credentials: accepted (set by a new resource) — ImageMemberAcceptance \`a-new\`
- \`${p(1)}\`: accepted → rejected (changed) — ImageMemberAcceptance \`a-changed\`
- \`${p(2)}\`: accepted → pending (resource deleted: the status is reset) — ImageMemberAcceptance \`a-gone\`

**Cannot be listed** (3)

- the project list is \`[secret]\`: who gains or loses access cannot be shown — ImageMembers \`a-secret-list\`
- the project list is known after apply: who gains or loses access cannot be shown — ImageMembers \`a-later\`
- the project list is refused by the provider (projects and memberIds both given, or one of them null; its check fails before any request): who gains or loses access cannot be shown — ImageMembers \`a-both\`

### Image \`b-image\`

**Gain access** (2)

- \`${p(1)}\` (\`ops\`) — ImageMembers \`b\`
- \`${p(2)}\` — ImageMember \`b-2\` of ImageShare \`share\` (again: it was deleted outside Pulumi)

**Changed outside Pulumi (found by the refresh)** (4)

- \`${p(2)}\`: deleted outside Pulumi (was accepted) — ImageMember \`b-2\`
- \`${p(3)}\`: status changed to rejected outside Pulumi (was pending) — ImageMembers \`b\`
- \`${p(4)}\`: **granted outside Pulumi** (status pending; the resource is exclusive: an update after a refresh removes it) — ImageMembers \`b\`
- \`${p(5)}\`: deleted outside Pulumi — ImageMembers \`b\`

### Image known after apply

**Gain access** (1)

- known after apply — ImageMember \`later\`
`);
  });

  test("one of each: the counts in the singular", () => {
    const one: AccessChange[] = [
      { type: "gain", image: imageA, project: { id: known(p(1)) }, source: member("g") },
      {
        type: "loss",
        image: imageA,
        project: { id: known(p(2)) },
        status: known("accepted"),
        source: member("l"),
      },
      {
        type: "drift",
        image: imageA,
        project: { id: known(p(3)) },
        what: "status",
        before: known("pending"),
        after: known("accepted"),
        source: member("d"),
      },
      { type: "opaque", image: imageA, what: "unknown", source: members("o") },
    ];
    const report = renderReport(review(one, { previewErrors: 1 }), { offenders: [] });
    expect(report.slice(0, report.indexOf("\n### Image"))).toBe(`## Image access review

**1 project gains access · 1 loses access · 0 swaps · 0 acceptance changes · 1 change outside Pulumi** on 1 image.

- **Attention: 1 project that had accepted the image loses access: they can no longer launch from it.**
- **Attention: the refresh found 1 change made outside Pulumi.**
- **Attention: 1 resource's project list is secret, known only after apply, or refused by the provider: not listed here.**
- **Attention: the preview reported 1 error: this report may be incomplete (see the preview's own output).**

Everything else: no other changes; 0 unchanged.

**Allowed projects: passed.** Every project granted access is on the list.
`);
  });

  test("no change, and no resource of this package in the preview: said, with the unchanged it leaves out", () => {
    expect(renderReport(review([], { ownResources: 0, unlistedUnchanged: 1, unchanged: 3 })))
      .toBe(`## Image access review

**No access changes.**

None of this package's resources is in the preview, which leaves out 1 unchanged resource (\`pulumi preview --show-sames\` lists them); no step it lists changes image access.

Everything else: no other changes; 3 unchanged.

`);
    expect(
      renderReport(review([], { ownResources: 0, unlistedUnchanged: 2 }), {
        offenders: [],
        allowListName: "list.txt",
      }),
    ).toContain("leaves out 2 unchanged resources (`pulumi preview --show-sames` lists them)");
    expect(renderReport(review([], { ownResources: 1 }))).not.toContain("None of this package");
  });

  test("the detail cut: what is left out is counted, images not reached too; the summary stays whole", () => {
    const gains = (image: Shown, count: number, from: number): AccessChange[] =>
      Array.from({ length: count }, (_, i) => ({
        type: "gain",
        image,
        project: { id: known(p(from + i)) },
        source: member(`g${from + i}`),
      }));
    const changes = [...gains(imageA, 3, 1), ...gains(imageB, 2, 4)];
    const whole = renderReport(review(changes));
    const summaryEnd = whole.indexOf("\n### Image");
    // Room for the summary, image A's heading and title and two of its lines, and the cut note
    // (400 characters); the report's text up to a line is where the line starts in it.
    const twoLines = whole.indexOf(`- \`${p(3)}\``) + 400;
    const cut = renderReport(review(changes), { maxChars: twoLines });
    expect(cut.slice(0, summaryEnd)).toBe(whole.slice(0, summaryEnd));
    expect(cut.slice(summaryEnd)).toBe(`
### Image \`a-image\`

**Gain access** (3)

- \`${p(1)}\` — ImageMember \`g1\`
- \`${p(2)}\` — ImageMember \`g2\`

_Detail cut to stay under ${twoLines.toLocaleString("en-US")} characters: 3 changes are not listed (1 image not reached). The summary above counts all of them._
`);
    const oneLeft = renderReport(review(changes), {
      maxChars: whole.indexOf(`- \`${p(5)}\``) + 400,
    });
    expect(oneLeft).toContain(
      "characters: 1 change is not listed. The summary above counts all of them._",
    );
    const twoImages = renderReport(review([...changes, ...gains(known("c-image"), 1, 6)]), {
      maxChars: summaryEnd + 400,
    });
    expect(twoImages).toContain("6 changes are not listed (3 images not reached).");
    expect(whole).not.toContain("Detail cut");
    expect(whole.length).toBeLessThan(60_000);
  });
});

describe("the report's rules", () => {
  /** The report's headings of images, in order. */
  const imageHeadings = (report: string) =>
    report.split("\n").filter((line) => line.startsWith("### Image"));

  test("one swap from a pending member and one acceptance change: in the singular, and no attention for a member that had not accepted", () => {
    const report = renderReport(
      review([
        {
          type: "swap",
          image: imageA,
          from: { id: known(p(1)) },
          fromStatus: known("pending"),
          to: { id: known(p(2)) },
          source: member("s"),
        },
        {
          type: "acceptance",
          image: imageA,
          project: { id: known(p(3)) },
          from: known("pending"),
          to: known("accepted"),
          op: "update",
          source: acceptance("c"),
        },
      ]),
    );
    expect(report.slice(0, report.indexOf("\n### Image"))).toBe(`## Image access review

**0 projects gain access · 0 lose access · 1 swap · 1 acceptance change · 0 changes outside Pulumi** on 1 image.

Everything else: no other changes; 0 unchanged.
`);
  });

  test("images where someone loses access come first, by a loss or a swap; a secret image and one known after apply are two images", () => {
    const gain = (image: Shown, n: number): AccessChange => ({
      type: "gain",
      image,
      project: { id: known(p(n)) },
      source: member(`g${n}`),
    });
    const report = renderReport(
      review([
        gain(imageA, 1),
        gain(known("b-image"), 2),
        {
          type: "loss",
          image: known("b-image"),
          project: { id: known(p(3)) },
          status: known("pending"),
          source: member("l"),
        },
        {
          type: "swap",
          image: known("c-image"),
          from: { id: known(p(4)) },
          fromStatus: known("pending"),
          to: { id: known(p(5)) },
          source: member("s"),
        },
        gain({ kind: "secret" }, 6),
        gain({ kind: "unknown" }, 7),
      ]),
    );
    expect(report).toContain("** on 5 images.");
    expect(imageHeadings(report)).toEqual([
      "### Image `b-image`",
      "### Image `c-image`",
      "### Image `a-image`",
      "### Image `[secret]`",
      "### Image known after apply",
    ]);
  });

  test("a grant is said to come again only after a deletion outside Pulumi, not after a status change or a grant the refresh found", () => {
    const drift = (n: number, what: "deleted" | "status" | "granted"): AccessChange => ({
      type: "drift",
      image: imageA,
      project: { id: known(p(n)) },
      what,
      before: known("pending"),
      after: what === "deleted" ? { kind: "absent" } : known("accepted"),
      source: members("m"),
    });
    const gain = (n: number): AccessChange => ({
      type: "gain",
      image: imageA,
      project: { id: known(p(n)) },
      source: member(`g${n}`),
    });
    const report = renderReport(
      review([
        drift(1, "deleted"),
        drift(2, "status"),
        drift(3, "granted"),
        gain(1),
        gain(2),
        gain(3),
      ]),
    );
    expect(report).toContain(`**Gain access** (3)

- \`${p(1)}\` — ImageMember \`g1\` (again: it was deleted outside Pulumi)
- \`${p(2)}\` — ImageMember \`g2\`
- \`${p(3)}\` — ImageMember \`g3\`
`);
  });

  test("the allow-list gate names 20 offenders in the report; past them it says how many more", () => {
    const offenders = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        project: { id: known(p(i % 10)) },
        image: imageA,
        source: member(`o${i}`),
      }));
    const named = (count: number) => {
      const report = renderReport(review([]), { offenders: offenders(count) });
      return report
        .slice(report.indexOf("**Allowed projects"))
        .split("\n")
        .filter((line) => line.startsWith("- "));
    };
    expect(named(20)).toHaveLength(20);
    expect(named(20)[19]).toBe(`- \`${p(9)}\` on image \`a-image\` (ImageMember \`o19\`)`);
    expect(named(21)).toEqual([...named(20), "- … and 1 more (all named on standard error)"]);
  });

  test("ids not shaped like project ids: 5 named in the summary; past them, how many more", () => {
    const misshapen = (count: number): AccessChange[] =>
      Array.from({ length: count }, (_, i) => ({
        type: "gain",
        image: imageA,
        project: { id: known(`project-${i}`) },
        source: member(`m${i}`),
      }));
    const section = (count: number) => {
      const report = renderReport(review(misshapen(count)));
      return report.slice(
        report.indexOf("**Not a project id shape:**"),
        report.indexOf("\n### Image"),
      );
    };
    const named = (count: number) =>
      section(count)
        .split("\n")
        .filter((line) => line.startsWith("- "));
    const last =
      "- `project-4` (ImageMember `m4`): 9 characters, not 32 lowercase hexadecimal ones: probably a project name where its id belongs";
    expect(named(5)).toHaveLength(5);
    expect(named(5)[4]).toBe(last);
    expect(section(5)).toMatch(/belongs\n$/);
    expect(named(6)).toEqual([...named(5), "- … and 1 more"]);
    expect(named(7)).toEqual([...named(5), "- … and 2 more"]);
  });
});
