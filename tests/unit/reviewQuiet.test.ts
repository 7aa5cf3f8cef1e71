/**
 * A pull request that changes no sharing (a README, another resource of the stack): this
 * engine's `pulumi preview --json` leaves unchanged resources out, so the preview holds only
 * the stack's own `same` step and the counts of what it left out. That is a preview of the
 * right stack with no access change, not "another program": "No access changes", exit 0.
 * What still exits 2: no steps at all, no stack step (not a program's preview), and a preview
 * that lists every resource (`--show-sames`, or nothing left out) without one of this package's.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { reviewText } from "../../provider/review";
import { projectRoot } from "../support/childProcess";

const stackUrn =
  "urn:pulumi:production::image-sharing::pulumi:pulumi:Stack::image-sharing-production";
/** Exactly what the engine printed for a README-only pull request (issue 20). */
const readmeOnly = `{"steps":[{"op":"same","urn":"${stackUrn}"}],"changeSummary":{"same":6}}`;

const bucket = (op: string) => ({
  op,
  urn: "urn:pulumi:production::image-sharing::aws:s3/bucket:Bucket::site",
  oldState: { type: "aws:s3/bucket:Bucket", inputs: {}, outputs: {} },
  newState: { type: "aws:s3/bucket:Bucket", inputs: {}, outputs: {} },
});
const stackSame = { op: "same", urn: stackUrn };

describe("review of a preview that changes no sharing", () => {
  test("the stack's own step only, 6 unchanged left out: No access changes, exit 0, gate passed", () => {
    const outcome = reviewText(readmeOnly, { allowList: "p-ops\n" });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.messages).toEqual([]);
    expect(outcome.report).toContain("**No access changes.**");
    expect(outcome.report).toContain("Everything else: no other changes; 6 unchanged.");
    expect(outcome.report).toContain(
      "None of this package's resources is in the preview, which leaves out 5 unchanged resources (`pulumi preview --show-sames` lists them); no step it lists changes image access.",
    );
    expect(outcome.report).toContain("**Allowed projects: passed.**");
  });

  test("the same with the engine's other fields", () => {
    const document = {
      config: { "openstack:password": "[secret]" },
      steps: [{ op: "same", urn: stackUrn, provider: "" }],
      diagnostics: [],
      duration: 1500000000,
      changeSummary: { same: 6 },
    };
    expect(reviewText(JSON.stringify(document)).exitCode).toBe(0);
  });

  test("another resource of the stack changes: counted, No access changes, exit 0", () => {
    const outcome = reviewText(
      JSON.stringify({
        steps: [stackSame, bucket("update")],
        changeSummary: { same: 5, update: 1 },
      }),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report).toContain("**No access changes.**");
    expect(outcome.report).toContain(
      "Everything else: 1 update (steps that change no image access); 5 unchanged.",
    );
  });
});

describe("what is still not a preview to review (exit 2)", () => {
  test.each([
    [
      "every resource listed (--show-sames), none of this package's",
      { steps: [stackSame, bucket("same")], changeSummary: { same: 2 } },
      "The preview lists every resource of its stack (none left out as unchanged) and none is one of this package's (ImageMember, ImageMembers, ImageMemberAcceptance): nothing to review. Is it the preview of the right program and stack?",
    ],
    [
      "a stack with nothing but itself",
      { steps: [stackSame], changeSummary: { same: 1 } },
      "The preview lists every resource of its stack",
    ],
    [
      "no stack step: not the preview of a program",
      { steps: [bucket("same")], changeSummary: { same: 6 } },
      "The preview has no step for a stack (pulumi:pulumi:Stack) and none of this package's resources",
    ],
  ])("%s", (_name, document, message) => {
    const outcome = reviewText(JSON.stringify(document));
    expect(outcome.exitCode).toBe(2);
    expect(outcome.report).toBe("");
    expect(outcome.messages).toEqual([expect.stringContaining(message)]);
  });

  test("the command itself exits 0 on the README-only preview and 2 on another program's", () => {
    const cli = path.join(projectRoot, "dist/provider/cli.js");
    const run = (input: string) =>
      spawnSync(process.execPath, [cli, "review"], { input, encoding: "utf8" });
    const quiet = run(readmeOnly);
    expect([quiet.status, quiet.stderr]).toEqual([0, ""]);
    expect(quiet.stdout).toContain("**No access changes.**");
    const other = run(
      JSON.stringify({ steps: [stackSame, bucket("same")], changeSummary: { same: 2 } }),
    );
    expect(other.status).toBe(2);
  });
});
