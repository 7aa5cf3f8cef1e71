/**
 * The audit without a cloud: which grants a stack export declares (every resource kind, the
 * plugin's and the dynamic provider's, an ImageShare's children, secrets with and without
 * `--show-secrets`), how each grant the cloud holds is marked, and the report.
 */
import {
  AuditInputError,
  auditExitCodes,
  auditOutcome,
  classify,
  Declarations,
  emptyDeclarations,
  Inventory,
  readStackExport,
  renderAudit,
} from "../../provider/audit";
import type { Member } from "../../provider/glance";
import { DocSample, readSample, writeSample } from "../support/docSamples";
import {
  cipher,
  dynamicType,
  imageShareType,
  plain,
  pluginType,
  stackExport,
} from "../support/stackExports";

const imageA = "5f1b0a2e-0d7c-4c39-9c1e-0a6f1d3b7a01";
const imageB = "6a2c1b3f-1e8d-4d4a-8d2f-1b7a2e4c8b02";
const imageC = "7b3d2c4a-2f9e-4e5b-9e3a-2c8b3f5d9c03";
const p = (n: number) => `${n}`.padStart(32, "a"); // a project id: 32 lowercase hex characters

function declarationsOf(...exports: string[]): Declarations {
  const into = emptyDeclarations();
  exports.forEach((text, index) => readStackExport(text, `export-${index}.json`, "x", into));
  return into;
}

function declared(into: Declarations): string[] {
  const pairs: string[] = [];
  for (const [image, members] of into.grants) {
    for (const [member, by] of members) {
      for (const one of by) pairs.push(`${image} ${member} ${one.stack} ${one.kind} ${one.name}`);
    }
  }
  return pairs.sort();
}

function member(
  imageId: string,
  memberId: string,
  status: Member["status"] = "accepted",
  createdAt = "2026-12-01T10:00:00Z",
): Member {
  return {
    imageId,
    memberId,
    status,
    createdAt,
    updatedAt: createdAt,
    schema: "/v2/schemas/member",
  };
}

function inventory(
  images: Record<string, Member[]>,
  names: Record<string, string> = {},
): Inventory {
  return {
    images: Object.entries(images).map(([id, members]) => ({
      image: {
        id,
        name: names[id],
        owner: "o",
        visibility: "shared",
        createdAt: "",
        updatedAt: "",
      },
      members,
    })),
    skipped: [],
  };
}

describe("readStackExport: the grants a stack declares", () => {
  test("dynamic ImageMember and ImageMembers (projects map and memberIds list), named by project/stack", () => {
    const into = declarationsOf(
      stackExport("production", "gitops", [
        {
          type: dynamicType("ImageMember"),
          name: "ops",
          inputs: { imageId: imageA, memberId: p(1) },
        },
        {
          type: dynamicType("ImageMembers"),
          name: "golden",
          inputs: { imageId: imageB, projects: { qa: p(2), dev: p(3) } },
        },
        {
          type: dynamicType("ImageMembers"),
          name: "legacy",
          inputs: { imageId: imageC, memberIds: [p(4)] },
        },
        { type: "openstack:images/image:Image", name: "img", inputs: { name: "x" } },
      ]),
    );
    expect(declared(into)).toEqual([
      `${imageA} ${p(1)} gitops/production ImageMember ops`,
      `${imageB} ${p(2)} gitops/production ImageMembers golden`,
      `${imageB} ${p(3)} gitops/production ImageMembers golden`,
      `${imageC} ${p(4)} gitops/production ImageMembers legacy`,
    ]);
    expect(into.stacks).toEqual([
      { name: "gitops/production", origin: "export-0.json", resources: 3 },
    ]);
  });

  test("the plugin's resources, an ImageShare's children; an acceptance declares no grant", () => {
    const into = declarationsOf(
      stackExport("dev", "yaml", [
        {
          type: pluginType("ImageMember"),
          name: "by-hand",
          inputs: { imageId: imageA, memberId: p(1) },
        },
        {
          type: pluginType("ImageMembers"),
          name: "bulk",
          inputs: { imageId: imageA, projects: { a: p(2) } },
        },
        {
          type: dynamicType("ImageMember"),
          name: `share-${p(3)}`,
          parentTypes: [imageShareType],
          inputs: { imageId: imageB, memberId: p(3) },
        },
        {
          type: pluginType("ImageMemberAcceptance"),
          name: "accept",
          inputs: { imageId: imageC, memberId: p(4), status: "accepted" },
        },
      ]),
    );
    expect(declared(into)).toEqual([
      `${imageA} ${p(1)} yaml/dev ImageMember by-hand`,
      `${imageA} ${p(2)} yaml/dev ImageMembers bulk`,
      `${imageB} ${p(3)} yaml/dev ImageMember share-${p(3)}`,
    ]);
    expect(into.grants.get(imageB)!.get(p(3))![0].shareName).toBe("share");
  });

  test("secrets: the ImageMember's plain id, the dynamic ImageMembers' plain members output, --show-secrets' plaintext", () => {
    const into = declarationsOf(
      stackExport("prod", "app", [
        // memberId secret in inputs and outputs; the resource id <image>/<member> is plain.
        {
          type: dynamicType("ImageMember"),
          name: "secret-one",
          id: `${imageA}/${p(1)}`,
          inputs: { imageId: imageA, memberId: cipher() },
          outputs: { memberId: cipher() },
        },
        // projects secret; the members output plain (the dynamic provider cannot hide it).
        {
          type: dynamicType("ImageMembers"),
          name: "secret-map",
          id: imageB,
          inputs: { imageId: imageB, projects: { ops: cipher(), qa: p(3) } },
          outputs: {
            imageId: imageB,
            members: [
              { memberId: p(2), status: "accepted" },
              { memberId: p(3), status: "pending" },
            ],
          },
        },
        // exported with --show-secrets.
        {
          type: pluginType("ImageMembers"),
          name: "shown",
          id: imageC,
          inputs: { imageId: imageC, projects: plain({ ops: p(5) }) },
          outputs: { members: plain([{ memberId: p(5) }]) },
        },
      ]),
    );
    expect(declared(into)).toEqual([
      `${imageA} ${p(1)} app/prod ImageMember secret-one`,
      `${imageB} ${p(2)} app/prod ImageMembers secret-map`,
      `${imageB} ${p(3)} app/prod ImageMembers secret-map`,
      `${imageC} ${p(5)} app/prod ImageMembers shown`,
    ]);
    expect(into.opaque.size).toBe(0);
  });

  test("a list secret in inputs and outputs (the plugin's): that image's grants cannot be told", () => {
    const into = declarationsOf(
      stackExport("prod", "yaml", [
        {
          type: pluginType("ImageMembers"),
          name: "hidden",
          id: imageA,
          inputs: { imageId: imageA, projects: cipher() },
          outputs: { imageId: imageA, members: cipher() },
        },
        {
          type: pluginType("ImageMember"),
          name: "plain",
          inputs: { imageId: imageB, memberId: p(9) },
        },
      ]),
    );
    expect([...into.opaque.keys()]).toEqual([imageA]);
    const audit = classify(
      "o",
      inventory({
        [imageA]: [member(imageA, p(1))],
        [imageB]: [member(imageB, p(8)), member(imageB, p(9))],
      }),
      into,
    );
    expect(audit.grants.map((g) => [g.imageId, g.memberId, g.state])).toEqual([
      [imageB, p(8), "unmanaged"],
      [imageA, p(1), "undetermined"],
      [imageB, p(9), "managed"],
    ]);
    const outcome = auditOutcome(audit);
    expect(outcome.exitCode).toBe(auditExitCodes.undeclared);
    expect(outcome.report).toContain("### Cannot tell (1)");
    expect(outcome.report).toContain("`yaml/prod`: ImageMembers `hidden`");
    expect(outcome.report).toContain("pulumi stack export --show-secrets");
  });

  test("an exclusive ImageMembers: its next up removes an undeclared grant, and the report says so", () => {
    const into = declarationsOf(
      stackExport("prod", "gitops", [
        {
          type: dynamicType("ImageMembers"),
          name: "golden",
          inputs: { imageId: imageA, projects: { ops: p(1) }, exclusive: true },
        },
      ]),
    );
    const audit = classify(
      "o",
      inventory({ [imageA]: [member(imageA, p(1)), member(imageA, p(2))] }),
      into,
    );
    expect(audit.grants.map((g) => [g.memberId, g.state, g.exclusiveBy.length])).toEqual([
      [p(2), "unmanaged", 1],
      [p(1), "managed", 0],
    ]);
    expect(renderAudit(audit)).toContain(
      `| \`${p(2)}\` | accepted | 2026-12-01 | the next \`pulumi up\` of \`gitops/prod\`: ImageMembers \`golden\` (exclusive) removes it |`,
    );
  });

  test("grants declared by several stacks, and a stack export without resources", () => {
    const into = declarationsOf(
      stackExport("a", "one", [
        {
          type: dynamicType("ImageMember"),
          name: "m",
          inputs: { imageId: imageA, memberId: p(1) },
        },
      ]),
      stackExport("b", "two", [
        { type: pluginType("ImageMember"), name: "n", inputs: { imageId: imageA, memberId: p(1) } },
      ]),
    );
    readStackExport(
      JSON.stringify({ version: 3, deployment: { manifest: {} } }),
      "empty.json",
      "empty",
      into,
    );
    expect(declared(into)).toEqual([
      `${imageA} ${p(1)} one/a ImageMember m`,
      `${imageA} ${p(1)} two/b ImageMember n`,
    ]);
    expect(into.stacks.map((s) => s.name)).toEqual(["one/a", "two/b", "empty"]);
  });

  test.each([
    ["empty input", "", "f.json is empty. Expected the output of `pulumi stack export`."],
    ["malformed JSON", "{", "f.json is not valid JSON"],
    ["a JSON list", "[]", "f.json is not a JSON object."],
    [
      "a preview",
      JSON.stringify({ steps: [], changeSummary: {} }),
      "f.json is a preview (`pulumi preview --json`), not a stack export.",
    ],
    ["another document", JSON.stringify({ hello: 1 }), 'f.json has no "version" and "deployment"'],
    [
      "resources not a list",
      JSON.stringify({ version: 3, deployment: { resources: {} } }),
      'f.json: "deployment.resources" is not a list.',
    ],
    [
      "a resource without urn",
      JSON.stringify({ version: 3, deployment: { resources: [{ type: "x" }] } }),
      'f.json: resource 1 has no "urn" and "type".',
    ],
  ])("refuses %s with one line", (_name, text, message) => {
    let caught: unknown;
    try {
      readStackExport(text, "f.json", "f", emptyDeclarations());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuditInputError);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).not.toContain("\n");
  });
});

describe("classify and the report", () => {
  const into = () =>
    declarationsOf(
      stackExport("prod", "gitops", [
        {
          type: dynamicType("ImageMembers"),
          name: "golden",
          inputs: { imageId: imageA, projects: { ops: p(1), typo: "consumer" } },
        },
      ]),
    );
  const cloud = () =>
    inventory(
      {
        [imageA]: [
          member(imageA, p(1)),
          member(imageA, "consumer", "pending", "2026-11-01T09:00:00Z"),
        ],
        [imageB]: [member(imageB, p(7), "pending", "2026-12-06T09:00:00Z")],
        [imageC]: [],
      },
      { [imageA]: "golden | v2", [imageB]: "base" },
    );
  const now = new Date("2026-12-07T09:00:00Z");

  test("undeclared grants first; members pending past --pending-days; ids not shaped like a project id marked", () => {
    const audit = classify("o", cloud(), into(), { pendingDays: 14, now });
    expect(
      audit.grants.map((g) => [
        g.imageId,
        g.memberId,
        g.state,
        g.pendingForDays,
        g.looksLikeProjectId,
      ]),
    ).toEqual([
      [imageB, p(7), "unmanaged", undefined, true],
      [imageA, p(1), "managed", undefined, true],
      [imageA, "consumer", "managed", 36, false],
    ]);
    expect([audit.images, audit.imagesWithoutMembers]).toEqual([3, 1]);
    const report = renderAudit(audit);
    expect(report.indexOf("### Not declared by any stack (1)")).toBeGreaterThan(0);
    expect(report.indexOf("### Not declared by any stack")).toBeLessThan(
      report.indexOf("### Never accepted: check the id (1)"),
    );
    expect(report.indexOf("### Never accepted")).toBeLessThan(report.indexOf("### Declared (2)"));
    expect(report).toContain(
      "**3 grants on 3 shared images · 1 not declared by any stack · 1 pending for more than 14 days**",
    );
    expect(report).toContain("1 shared image has no member.");
    // A `|` in an image name would split the table's cell.
    expect(report).toContain("`golden \\| v2`");
    expect(report).toContain(
      "`consumer` (not a project id: those are 32 lowercase hexadecimal characters) | 36 days | `gitops/prod`: ImageMembers `golden` |",
    );
  });

  test("exit codes: 4 for an undeclared grant, 5 for a member never accepted alone, 0 for neither", () => {
    const undeclared = auditOutcome(classify("o", cloud(), into(), { pendingDays: 14, now }));
    expect(undeclared.exitCode).toBe(4);
    expect(undeclared.messages).toEqual([
      "audit: 1 grant(s) no stack given declares:",
      `  image ${imageB} → project ${p(7)} (pending)`,
      "audit: 1 member(s) pending for more than 14 day(s), never accepted: check the id:",
      `  image ${imageA} → project consumer since 2026-11-01T09:00:00Z`,
    ]);
    const declaredOnly = inventory({ [imageA]: cloud().images[0].members });
    expect(
      auditOutcome(classify("o", declaredOnly, into(), { pendingDays: 14, now })).exitCode,
    ).toBe(5);
    expect(
      auditOutcome(classify("o", declaredOnly, into(), { pendingDays: 40, now })).exitCode,
    ).toBe(0);
    expect(auditOutcome(classify("o", declaredOnly, into(), { now })).exitCode).toBe(0);
  });

  test("--json: the counts and every grant", () => {
    const { summary } = auditOutcome(classify("o", cloud(), into(), { pendingDays: 14, now }));
    expect(summary.counts).toEqual({ grants: 3, unmanaged: 1, undetermined: 0, managed: 2 });
    expect(summary.pending).toEqual({ days: 14, neverAccepted: 1 });
    expect(summary.stacks).toEqual([{ name: "gitops/prod", origin: "export-0.json" }]);
    expect(summary.grants[2]).toEqual({
      image: imageA,
      imageName: "golden | v2",
      project: "consumer",
      status: "pending",
      createdAt: "2026-11-01T09:00:00Z",
      state: "managed",
      declaredBy: ["gitops/prod: ImageMembers golden"],
      pendingForDays: 36,
      looksLikeProjectId: false,
    });
  });

  test("a long report is cut under the limit, the cut said, undeclared grants kept first", () => {
    const many = Array.from({ length: 400 }, (_, i) => member(imageB, p(1000 + i)));
    const audit = classify("o", inventory({ [imageB]: many }), emptyDeclarations());
    const report = renderAudit(audit, 5_000);
    expect(report.length).toBeLessThanOrEqual(5_000);
    expect(report).toContain(`\`${p(1000)}\``);
    expect(report).toMatch(
      /_\d+ more rows are left out to keep this report under 5,000 characters; `--json FILE` lists every grant._\n$/,
    );
    const shown = (report.match(/^\| `/gm) ?? []).length;
    expect(report).toContain(`_${400 - shown} more rows`);
  });
});

/** docs/gitops.md's sample audit report. */
const auditSample: DocSample = {
  file: "docs/gitops.md",
  begin: "<!-- audit-sample:begin (rendered by tests/unit/auditExports.test.ts) -->",
  end: "<!-- audit-sample:end -->",
};

test("docs/gitops.md's sample is what the audit writes for two stacks, a grant by hand and a name for an id", () => {
  const golden = "0c7d5a3e-5b1f-4f0e-8f7a-3e2d1c0b9a87";
  const base = "9e8f7a6b-4c3d-4e2f-9a1b-0c9d8e7f6a54";
  const [ops, qa, partner] = [
    "4f1c2b7e9a8d4c3b8e2f1a0d9c8b7a65",
    "8b2e4d6f1a3c4e5f9b7d2c1a0e8f6d43",
    "d3a1f5e7c9b24d6e8f0a1b3c5d7e9f21",
  ];
  const into = declarationsOf(
    stackExport("production", "image-sharing", [
      {
        type: dynamicType("ImageMembers"),
        name: "golden",
        inputs: { imageId: golden, projects: { ops, qa }, exclusive: true },
      },
    ]),
    stackExport("production", "partners", [
      {
        type: pluginType("ImageMember"),
        name: "partner-base",
        inputs: { imageId: base, memberId: "partner" },
      },
    ]),
  );
  const cloud = inventory(
    {
      [golden]: [
        member(golden, ops, "accepted", "2026-09-14T08:12:40Z"),
        member(golden, qa, "accepted", "2026-09-14T08:12:41Z"),
        member(golden, partner, "accepted", "2026-11-30T16:02:09Z"),
      ],
      [base]: [member(base, "partner", "pending", "2026-10-02T10:30:00Z")],
    },
    { [golden]: "golden-2026.11", [base]: "base-ubuntu-24.04" },
  );
  const report = renderAudit(
    classify("3a08ce3f51a1421fb019f2f3774d91f9", cloud, into, {
      pendingDays: 14,
      now: new Date("2026-12-07T06:17:00Z"),
    }),
  );
  if (process.env.PIM_UPDATE_DOCS === "true") writeSample(auditSample, report);
  expect(readSample(auditSample)).toBe(report.trim());
});
