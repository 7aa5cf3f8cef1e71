/**
 * What the review refuses to read, in the process and word for word (the built command's
 * test, reviewCommand.test.ts, checks the exit code and that one line is printed): every kind
 * of input that is not a preview to review, and the preview's own errors named in the refusal.
 */
import { reviewText } from "../../provider/review";
import { parsePreview } from "../../provider/review/preview";
import { created, imageA, preview, state, urnOf } from "../support/previewSteps";

const expected = "Expected the output of `pulumi preview --json`.";
const question = " Is it the preview of the right program and stack?";

function refusal(text: string): string {
  const outcome = reviewText(text);
  expect([outcome.exitCode, outcome.report, outcome.summary]).toEqual([2, "", undefined]);
  expect(outcome.messages).toHaveLength(1);
  return outcome.messages[0];
}

describe("input that is no preview", () => {
  test.each([
    ["empty", "", `review: The input is empty. ${expected}`],
    ["blank", " \n\t\n", `review: The input is empty. ${expected}`],
    ["a JSON list", "[1, 2]", `review: The input is JSON but not an object. ${expected}`],
    ["JSON null", "null", `review: The input is JSON but not an object. ${expected}`],
    [
      "an object without steps",
      '{"hello": "world"}',
      `review: The input is JSON but not a Pulumi preview: it has no "steps" list. ${expected}`,
    ],
    [
      "steps that are not a list",
      '{"steps": {"op": "create"}, "duration": 1}',
      `review: The input is JSON but not a Pulumi preview: it has no "steps" list. ${expected}`,
    ],
    [
      "an object with a version but no deployment",
      '{"version": 3, "hello": "world"}',
      `review: The input is JSON but not a Pulumi preview: it has no "steps" list. ${expected}`,
    ],
    [
      "the second step without an op",
      JSON.stringify({ steps: [{ op: "same", urn: "urn:pulumi:a::b::c::d" }, { urn: "x" }] }),
      `review: Step 2 of the input has no "op" and "urn": not a Pulumi preview step. ${expected}`,
    ],
    [
      "a step that is null",
      JSON.stringify({ steps: [null] }),
      `review: Step 1 of the input has no "op" and "urn": not a Pulumi preview step. ${expected}`,
    ],
    [
      "a stack export",
      JSON.stringify({ version: 3, deployment: { resources: [] } }),
      `review: The input is a stack export (\`pulumi stack export\`), not a preview. ${expected}`,
    ],
    [
      "the second step without a urn",
      JSON.stringify({ steps: [{ op: "same", urn: "urn:pulumi:a::b::c::d" }, { op: "create" }] }),
      `review: Step 2 of the input has no "op" and "urn": not a Pulumi preview step. ${expected}`,
    ],
    [
      "a step that is not an object",
      JSON.stringify({ steps: ["create"] }),
      `review: Step 1 of the input has no "op" and "urn": not a Pulumi preview step. ${expected}`,
    ],
  ])("%s", (_name, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  test("a parse error says where, counted from 1", () => {
    expect(refusal('{"a" 1}')).toBe(
      `review: The input is not valid JSON at line 1, column 6. ${expected}`,
    );
    expect(refusal('{"a" 1,\n"b": 2}')).toBe(
      `review: The input is not valid JSON at line 1, column 6. ${expected}`,
    );
    expect(refusal('{\n  "a": 1\n  "b": 2}')).toBe(
      `review: The input is not valid JSON at line 3, column 3. ${expected}`,
    );
  });
});

describe("a preview with nothing of this package's", () => {
  const stackOnly = (extra: object) =>
    JSON.stringify({
      steps: [
        {
          op: "same",
          urn: "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev",
        },
      ],
      changeSummary: { same: 1 },
      ...extra,
    });

  test("names the preview's own errors, counting only those of severity error", () => {
    const diagnostics = [
      { severity: "error", message: "a" },
      { severity: "warning", message: "b" },
      "error",
      { severity: "error", message: "c" },
    ];
    expect(refusal(stackOnly({ diagnostics }))).toBe(
      "review: The preview lists every resource of its stack (none left out as unchanged) and none " +
        "is one of this package's (ImageMember, ImageMembers, ImageMemberAcceptance): nothing to " +
        `review. The preview itself failed (2 errors).${question}`,
    );
    expect(
      refusal(JSON.stringify({ duration: 3, diagnostics: [{ severity: "error", message: "x" }] })),
    ).toBe(
      `review: The preview has no steps at all: nothing to review. The preview itself failed (1 errors).${question}`,
    );
    expect(refusal(JSON.stringify({ changeSummary: {} }))).toBe(
      `review: The preview has no steps at all: nothing to review.${question}`,
    );
    expect(
      refusal(
        JSON.stringify({
          steps: [
            { op: "create", urn: "not-a-urn" },
            { op: "create", urn: "urn:pulumi:dev::app" },
            { op: "create", urn: "urn:pulumi:dev::app::aws:s3/bucket:Bucket::site" },
          ],
        }),
      ),
    ).toBe(
      "review: The preview has no step for a stack (pulumi:pulumi:Stack) and none of this " +
        `package's resources: it is not the preview of a Pulumi program.${question}`,
    );
  });

  test("is a quiet pull request when the preview left unchanged resources out", () => {
    const outcome = reviewText(stackOnly({ changeSummary: { same: 4 } }));
    expect(outcome.exitCode).toBe(0);
    // A count that is not a number is no count: nothing is known to be left out.
    expect(reviewText(stackOnly({ changeSummary: { same: "4" } })).exitCode).toBe(2);
    expect(reviewText(stackOnly({ changeSummary: [4] })).exitCode).toBe(2);
  });
});

describe("what is read of a step", () => {
  test("its type, inputs and outputs, each only when of the right kind", () => {
    const parsed = parsePreview(
      JSON.stringify({
        steps: [
          {
            op: "update",
            urn: urnOf("ImageMember", "m"),
            oldState: { type: 7, inputs: ["x"], outputs: "y" },
            newState: state("ImageMember", { imageId: imageA, memberId: "p" }),
          },
          { op: "create", urn: urnOf("ImageMember", "n"), oldState: null, newState: [] },
        ],
        diagnostics: "none",
      }),
    );
    expect(parsed.errorCount).toBe(0);
    expect(parsed.unchangedCount).toBeUndefined();
    expect(parsed.steps[0].oldState).toEqual({ type: undefined, inputs: {}, outputs: {} });
    expect(parsed.steps[0].newState?.type).toBe("pulumi-nodejs:dynamic/images:ImageMember");
    expect(parsed.steps[0].newState?.inputs.memberId).toBe("p");
    expect(parsed.steps[1]).toEqual({
      op: "create",
      urn: urnOf("ImageMember", "n"),
      oldState: undefined,
      newState: undefined,
    });
  });

  test("a preview of this package's resources is reviewed, whatever else its document holds", () => {
    const outcome = reviewText(
      preview([created("ImageMember", "m", { imageId: imageA, memberId: "p-ops" })]),
    );
    expect([outcome.exitCode, outcome.messages]).toEqual([0, []]);
    expect(outcome.summary?.gains).toBe(1);
  });
});
