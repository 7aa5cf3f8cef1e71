import { defaultMaxChars, reviewText } from "../../provider/review";
import { misshapenNamedInReport } from "../../provider/review/render";
import { parseAllowList } from "../../provider/core/allowedProjects";
import {
  created,
  imageA,
  imageMembersState,
  manyStepsPreview,
  memberState,
  preview,
  refreshPreview,
  state,
  Step,
  urnOf,
} from "../support/previewSteps";

const summaryOf = (report: string) => report.slice(0, report.indexOf("\n### Image"));

describe("review: secrets", () => {
  const secretValue = "hunter2-do-not-print";
  // The engine prints "[secret]"; a stack-export style secret object carries its plaintext
  // beside the signature: neither may ever be looked into.
  const secretObject = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(secretValue),
  };

  test("secret member ids stay masked and are never dereferenced", () => {
    const steps: Step[] = [
      created("ImageMember", "secret-member", { imageId: imageA, memberId: secretObject }),
      {
        op: "update",
        urn: urnOf("ImageMembers", "many"),
        oldState: imageMembersState(
          { imageId: imageA, projects: { ops: "p1" } },
          { p1: "accepted" },
        ),
        newState: state("ImageMembers", {
          imageId: imageA,
          projects: { ops: "p1", vip: "[secret]", other: secretObject },
        }),
      },
      created("ImageMembers", "whole-list-secret", { imageId: imageA, memberIds: secretObject }),
      {
        op: "update",
        urn: urnOf("ImageMembers", "became-secret"),
        oldState: imageMembersState({ imageId: imageA, memberIds: ["p5"] }, { p5: "accepted" }),
        newState: state("ImageMembers", { imageId: imageA, memberIds: "[secret]" }),
      },
      {
        op: "create",
        urn: "urn:pulumi:dev::app::other:index:Thing::t",
        newState: { type: "other:index:Thing", inputs: { password: secretValue }, outputs: {} },
      },
    ];
    const document = JSON.parse(preview(steps, [{ message: secretValue, severity: "info" }]));
    document.config = { "openstack:password": secretValue };
    const outcome = reviewText(JSON.stringify(document), { allowList: "p1\n" });
    const everything = outcome.report + outcome.messages.join("\n");
    expect(everything).not.toContain(secretValue);
    expect(everything).not.toContain("hunter2");
    expect(outcome.report).toContain(
      "- `[secret]` (`secret-member`) — ImageMember `secret-member`",
    );
    expect(outcome.report).toContain("- `[secret]` (`vip`) — ImageMembers `many`");
    expect(outcome.report).toContain(
      "- the project list is `[secret]`: who gains or loses access cannot be shown — ImageMembers `whole-list-secret`",
    );
    // A list that became secret is no proof that its projects lose access.
    expect(outcome.report).toContain(
      "- the project list is `[secret]`: who gains or loses access cannot be shown — ImageMembers `became-secret`",
    );
    expect(outcome.report).not.toContain("`p5`");
    // A secret project cannot be checked against the allow-list: the gate fails on it.
    expect(outcome.exitCode).toBe(3);
    expect(outcome.messages.join("\n")).toContain(
      "a `[secret]` project (`vip`), which cannot be checked",
    );
  });

  test("a parse error never quotes the input", () => {
    const outcome = reviewText(`{"steps": [ ${secretValue} ]}`);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.messages.join("\n")).not.toContain("hunter2");
    expect(outcome.messages).toEqual([
      "review: The input is not valid JSON. Expected the output of `pulumi preview --json`.",
    ]);
    // Where the parser says where, the message says it too.
    expect(reviewText('{\n "steps": [],\n}').messages[0]).toContain(
      "not valid JSON at line 3, column 1.",
    );
  });
});

describe("review: ids not shaped like project ids", () => {
  const valid = "edc89b490d7d4392898e19b2deb34797";

  test("grants to a name, a cut id or upper case are named in the summary with the likely mistake; valid, secret and revoked ids are not", () => {
    const { report, exitCode } = reviewText(
      preview([
        created("ImageMember", "typo", { imageId: imageA, memberId: "consumer" }),
        created("ImageMember", "fine", { imageId: imageA, memberId: valid }),
        created("ImageMember", "hidden", { imageId: imageA, memberId: "[secret]" }),
        {
          op: "update",
          urn: urnOf("ImageMembers", "many"),
          oldState: state("ImageMembers", { imageId: imageA, projects: { ops: "old-name" } }),
          newState: state("ImageMembers", {
            imageId: imageA,
            projects: { ops: valid.slice(1), qa: valid.toUpperCase() },
          }),
        },
        { op: "delete", urn: urnOf("ImageMember", "gone"), oldState: memberState("bygone") },
      ]),
    );
    expect(exitCode).toBe(0);
    const summary = summaryOf(report);
    expect(summary).toContain(
      "**Not a project id shape:** 3 grants go to an id that is not 32 lowercase hexadecimal characters, which no project could accept (`openstack project show NAME -f value -c id` finds a project's id):",
    );
    const named = summary.split("\n").filter((line) => line.startsWith("- `"));
    expect(named).toEqual([
      "- `consumer` (`typo`) (ImageMember `typo`): 8 characters, not 32 lowercase hexadecimal ones: probably a project name where its id belongs",
      expect.stringMatching(
        /^- `dc89b490d7d4392898e19b2deb34797` \(`ops`\) \(ImageMembers `many`\): 31 hexadecimal characters, 1 fewer than the 32 of a project id: probably a character lost in copying$/,
      ),
      expect.stringMatching(
        /^- `EDC89B490D7D4392898E19B2DEB34797` \(`qa`\) \(ImageMembers `many`\): upper-case letters, and project ids are lower case/,
      ),
    ]);
    expect(summary).not.toContain("bygone");
    expect(summary).not.toContain("[secret]`:");
  });

  test("no such grant: no such section", () => {
    const { report } = reviewText(
      preview([created("ImageMember", "fine", { imageId: imageA, memberId: valid })]),
    );
    expect(report).not.toContain("Not a project id shape");
  });
});

describe("review: size budget", () => {
  const bigPreview = () => manyStepsPreview(10_000);

  test("10,000 steps: under 60,000 characters, the summary whole and the cut said", () => {
    const outcome = reviewText(bigPreview(), { allowList: "# nobody\n" });
    expect(outcome.report.length).toBeLessThan(defaultMaxChars);
    const summary = summaryOf(outcome.report);
    expect(summary).toContain("**6,666 projects gain access · 3,334 lose access · 0 swaps");
    expect(summary).toContain("on 50 images");
    expect(summary).toContain("3,334 projects that had accepted the image lose access");
    expect(summary).toContain(
      "**Allowed projects: failed.** 6,666 grants go to a project not on the list",
    );
    expect(summary).toContain("- … and 6,646 more (all named on standard error)");
    const listed = outcome.report.split("\n").filter((line) => line.startsWith("- `project-"));
    expect(listed.length).toBeGreaterThan(100);
    const cut =
      /_Detail cut to stay under 60,000 characters: ([\d,]+) changes are not listed \(([\d,]+) images not reached\)/.exec(
        outcome.report,
      );
    expect(cut).not.toBeNull();
    // Listed + cut = all, counting the 20 offenders named in the summary separately, and the
    // ids not shaped like project ids ("project-1" is one) named there too.
    const notListed = Number(cut![1].replace(/,/g, ""));
    expect(summary).toContain("**Not a project id shape:** 6,666 grants go to an id");
    expect(listed.length - 20 - misshapenNamedInReport + notListed).toBe(10_000);
    expect(outcome.messages).toHaveLength(6_667);
  });

  test("a small budget still keeps the whole summary", () => {
    const outcome = reviewText(bigPreview(), { maxChars: 3_000 });
    expect(outcome.report.length).toBeLessThan(3_000);
    expect(outcome.report).toContain("**6,666 projects gain access · 3,334 lose access");
    expect(outcome.report).toContain("_Detail cut to stay under 3,000 characters");
  });
});

describe("review: refresh drift", () => {
  const memberUrn = urnOf("ImageMember", "share-with-ops");
  const devUrn = urnOf("ImageMember", "share-with-dev");
  const manyUrn = urnOf("ImageMembers", "many");
  const many = (statuses: Record<string, string>) =>
    imageMembersState({ imageId: imageA, projects: { ops: "p1", qa: "p2", p3: "p3" } }, statuses);

  test("deleted outside Pulumi and status changed outside Pulumi, then the plan's re-grant", () => {
    const { report, exitCode } = reviewText(
      refreshPreview(
        [
          { op: "delete", urn: memberUrn, oldState: memberState("p-ops", "accepted") },
          {
            op: "update",
            urn: devUrn,
            oldState: memberState("p-dev", "accepted"),
            newState: memberState("p-dev", "rejected"),
          },
          {
            op: "update",
            urn: manyUrn,
            oldState: many({ p1: "accepted", p2: "pending", p3: "pending" }),
            newState: many({ p1: "rejected", p3: "pending" }),
          },
        ],
        [
          {
            op: "create",
            urn: memberUrn,
            newState: state("ImageMember", { imageId: imageA, memberId: "p-ops" }),
          },
          {
            op: "same",
            urn: devUrn,
            oldState: memberState("p-dev", "rejected"),
            newState: memberState("p-dev", "rejected"),
          },
          {
            op: "update",
            urn: manyUrn,
            oldState: many({ p1: "rejected", p3: "pending" }),
            newState: many({}),
          },
        ],
      ),
    );
    expect(exitCode).toBe(0);
    const summary = summaryOf(report);
    expect(summary).toContain("the refresh found 4 changes made outside Pulumi");
    expect(summary).toContain("**2 projects gain access · 0 lose access · 0 swaps");
    for (const line of [
      "- `p-ops` (`share-with-ops`): deleted outside Pulumi (was accepted) — ImageMember `share-with-ops`",
      "- `p-dev` (`share-with-dev`): status changed to rejected outside Pulumi (was accepted) — ImageMember `share-with-dev`",
      "- `p1` (`ops`): status changed to rejected outside Pulumi (was accepted) — ImageMembers `many`",
      "- `p2` (`qa`): deleted outside Pulumi (was pending) — ImageMembers `many`",
      // The plan shares the image again with both deleted members.
      "- `p-ops` (`share-with-ops`) — ImageMember `share-with-ops`",
      "- `p2` (`qa`) — ImageMembers `many`",
    ]) {
      expect(report).toContain(line);
    }
  });

  test("refresh steps that found nothing report nothing, with or without a new state", () => {
    const { report } = reviewText(
      refreshPreview(
        [
          { op: "refresh", urn: memberUrn, oldState: memberState("p-ops", "accepted") },
          {
            op: "refresh",
            urn: devUrn,
            oldState: memberState("p-dev"),
            newState: memberState("p-dev"),
          },
        ],
        [
          { op: "same", urn: memberUrn, oldState: memberState("p-ops", "accepted") },
          { op: "same", urn: devUrn, oldState: memberState("p-dev") },
        ],
      ),
    );
    expect(report).toContain("**No access changes.**");
    expect(report).toContain("Everything else: no other changes; 3 unchanged.");
  });
});

describe("review: allow-list file", () => {
  test("one id per line; # comments, blank lines and surrounding spaces ignored", () => {
    const allowed = parseAllowList("# platform projects\n\n  p1  \np2 # ops team\r\n#p3\n");
    expect([...allowed]).toEqual(["p1", "p2"]);
  });

  test("a project known only after apply cannot be checked and fails the gate", () => {
    const outcome = reviewText(
      preview([
        created("ImageMember", "later", {
          imageId: imageA,
          memberId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        }),
      ]),
      { allowList: "p1\n" },
    );
    expect(outcome.exitCode).toBe(3);
    expect(outcome.messages[1]).toContain(
      "a project known only after apply (`later`), which cannot be checked",
    );
  });
});
