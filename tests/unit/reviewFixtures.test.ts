/**
 * The review of real `pulumi preview --json` documents, recorded by
 * tests/support/recordReviewFixtures.ts on the local cloud with the CLI this project builds
 * (3.274.1): three images shared three ways (ImageMember per name, ImageMembers list,
 * ImageShare). The project ids are read from each fixture's own config.
 */
import * as fs from "fs";
import * as path from "path";
import { reviewText } from "../../provider/review";

interface Fixture {
  text: string;
  config: Record<string, string>;
}

function fixture(name: string): Fixture {
  const text = fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
  const raw = JSON.parse(text).config as Record<string, string>;
  const config = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [
      key.replace(/^image-members-review-fixtures:/, ""),
      value,
    ]),
  );
  return { text, config };
}

const bullets = (report: string) => report.split("\n").filter((line) => line.startsWith("- `"));

describe("recorded pull request: ops swapped, qa removed, dev added, list changed, share grown", () => {
  const pr = fixture("pull-request.json");
  const members = JSON.parse(pr.config.members) as Record<string, string>;
  const list = JSON.parse(pr.config.list) as string[];
  const share = JSON.parse(pr.config.share) as string[];
  const [admin, newProject] = [members.ops, members.dev];
  const [consumer2, consumer1] = share;

  test("who gains, loses and swaps, per image, with names and statuses", () => {
    expect(list).toEqual([admin, consumer1, newProject]);
    const outcome = reviewText(pr.text);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report).toContain(
      "**3 projects gain access · 2 lose access · 1 swap · 0 acceptance changes · 0 changes outside Pulumi** on 3 images.",
    );
    expect(outcome.report).toContain(
      "- **Attention: 1 project that had accepted the image loses access: they can no longer launch from it.**",
    );
    // Images are listed in id order, and the recorder's image ids are random: compare sorted.
    expect(bullets(outcome.report).sort()).toEqual(
      [
        `- \`${consumer2}\` (\`share-with-qa\`) — pending: had not accepted it yet — ImageMember \`share-with-qa\``,
        `- \`${consumer1}\` (\`share-with-ops\`) → \`${admin}\` (\`share-with-ops\`) — leaving: **accepted: they can no longer launch from it** — ImageMember \`share-with-ops\``,
        `- \`${newProject}\` (\`share-with-dev\`) — ImageMember \`share-with-dev\``,
        // The list was also reordered: only the project that left and the one that came show.
        `- \`${consumer2}\` — pending: had not accepted it yet — ImageMembers \`many\``,
        `- \`${newProject}\` — ImageMembers \`many\``,
        `- \`${consumer1}\` — ImageMember \`golden-${consumer1}\` of ImageShare \`golden\``,
      ].sort(),
    );
    expect(outcome.report).toContain(`### Image \`${pr.config.memberImageId}\``);
  });

  test("the same preview with --show-replacement-steps gives the same report", () => {
    const withSteps = fixture("pull-request-replacement-steps.json");
    const ops = JSON.parse(withSteps.text).steps.map((step: { op: string }) => step.op);
    expect(ops).toEqual(
      expect.arrayContaining(["create-replacement", "replace", "delete-replaced"]),
    );
    expect(reviewText(withSteps.text).report).toBe(reviewText(pr.text).report);
  });

  test("allow-list: exit 3 naming each grant to a project not listed", () => {
    const outcome = reviewText(pr.text, { allowList: `# platform\n${admin}\n${consumer2}\n` });
    expect(outcome.exitCode).toBe(3);
    expect(outcome.messages[0]).toBe("review: 3 grant(s) to projects not on the allowed list:");
    expect(outcome.messages.slice(1).sort()).toEqual(
      [
        `  \`${newProject}\` (\`share-with-dev\`) on image \`${pr.config.memberImageId}\` (ImageMember \`share-with-dev\`)`,
        `  \`${newProject}\` on image \`${pr.config.listImageId}\` (ImageMembers \`many\`)`,
        `  \`${consumer1}\` on image \`${pr.config.shareImageId}\` (ImageMember \`golden-${consumer1}\` of ImageShare \`golden\`)`,
      ].sort(),
    );
    const passed = reviewText(pr.text, { allowList: [admin, newProject, consumer1].join("\n") });
    expect(passed.exitCode).toBe(0);
  });

  test("the stack's secret config stays masked", () => {
    expect(JSON.parse(pr.text).config["openstack:password"]).toBe("[secret]");
    expect(reviewText(pr.text).report).not.toContain("openstack");
  });
});

describe("recorded drift: ops's and admin's memberships deleted, consumer2 rejected, outside Pulumi", () => {
  const drift = fixture("refresh-drift.json");
  const members = JSON.parse(drift.config.members) as Record<string, string>;
  const list = JSON.parse(drift.config.list) as string[];
  const [consumer1, consumer2, admin] = list;

  const visibleInPlanSteps = [
    `- \`${consumer1}\` (\`share-with-ops\`): deleted outside Pulumi (was accepted) — ImageMember \`share-with-ops\``,
    `- \`${consumer2}\`: status changed to rejected outside Pulumi (was pending) — ImageMembers \`many\``,
    `- \`${admin}\`: deleted outside Pulumi (was pending) — ImageMembers \`many\``,
  ];

  test("--refresh: what the plan's steps show (the engine leaves unchanged resources out)", () => {
    expect(members).toEqual({ ops: consumer1, qa: consumer2 });
    const outcome = reviewText(drift.text);
    expect(outcome.exitCode).toBe(0);
    for (const line of visibleInPlanSteps) expect(outcome.report).toContain(line);
    expect(outcome.report).toContain(
      `- \`${consumer1}\` (\`share-with-ops\`) — ImageMember \`share-with-ops\` (again: it was deleted outside Pulumi)`,
    );
    expect(outcome.report).toContain(
      `- \`${admin}\` — ImageMembers \`many\` (again: it was deleted outside Pulumi)`,
    );
    expect(outcome.report).toContain("the refresh found 3 changes made outside Pulumi");
  });

  test("--refresh --show-sames: also the status changes of resources the plan leaves alone", () => {
    const outcome = reviewText(fixture("refresh-drift-show-sames.json").text);
    for (const line of [
      ...visibleInPlanSteps,
      `- \`${consumer2}\` (\`share-with-qa\`): status changed to rejected outside Pulumi (was pending) — ImageMember \`share-with-qa\``,
      `- \`${consumer2}\`: status changed to rejected outside Pulumi (was pending) — ImageMember \`golden-${consumer2}\` of ImageShare \`golden\``,
    ]) {
      expect(outcome.report).toContain(line);
    }
    expect(outcome.report).toContain("the refresh found 5 changes made outside Pulumi");
  });
});
