/**
 * Two small rules every resource shares: when a create may have landed (so the next run adopts
 * the member instead of failing on a duplicate), `IMAGE_MEMBERS_ADOPT_EXISTING` for one run,
 * and which server-recorded outputs a preview hides (resources/common/adoption.ts,
 * hiddenDiffs.ts).
 */
import { UnexpectedMemberAnswer } from "../../provider/glance";
import {
  adoptExistingForThisRun,
  mayHaveBeenCreated,
  unsettledStatus,
} from "../../provider/resources/common/adoption";
import { hidingServerRecords } from "../../provider/resources/common/hiddenDiffs";
import { ApiError, TransportError } from "../../provider/transport/errors";

const request = { method: "POST", target: "glance.example/v2/images/img/members" };

describe("a create that may have landed", () => {
  test.each([
    ["an answer that cannot be used", new UnexpectedMemberAnswer("no body"), true],
    [
      "a status after a lost response",
      new ApiError(request, 409, "", undefined, undefined, true),
      true,
    ],
    ["a plain status", new ApiError(request, 409, "", undefined, undefined, false), false],
    ["no answer, after a lost response", new TransportError(request, "reset", 2, true), true],
    ["no answer, never sent", new TransportError(request, "refused", 1, false), false],
    ["any other error", new Error("boom"), false],
    ["not an error", "boom", false],
  ])("%s: %p", (_what, error, may) => {
    expect(mayHaveBeenCreated(error)).toBe(may);
  });

  test("its members are kept in state as 'unknown' until a run settles them", () => {
    expect(unsettledStatus).toBe("unknown");
  });
});

describe("IMAGE_MEMBERS_ADOPT_EXISTING", () => {
  const saved = process.env.IMAGE_MEMBERS_ADOPT_EXISTING;
  afterEach(() => {
    if (saved === undefined) delete process.env.IMAGE_MEMBERS_ADOPT_EXISTING;
    else process.env.IMAGE_MEMBERS_ADOPT_EXISTING = saved;
  });

  test.each(["1", "true", "TRUE", "yes", "Yes"])("%p adopts", (value) => {
    process.env.IMAGE_MEMBERS_ADOPT_EXISTING = value;
    expect(adoptExistingForThisRun()).toBe(true);
  });

  test.each(["", "0", "false", "no", "truely", "atrue", "yes please"])("%p does not", (value) => {
    process.env.IMAGE_MEMBERS_ADOPT_EXISTING = value;
    expect(adoptExistingForThisRun()).toBe(false);
  });

  test("unset does not", () => {
    delete process.env.IMAGE_MEMBERS_ADOPT_EXISTING;
    expect(adoptExistingForThisRun()).toBe(false);
  });
});

describe("the outputs a preview hides", () => {
  const recorded = ["createdAt", "updatedAt", "schema", "managingProjectId"];

  test("added to no options", () => {
    expect(hidingServerRecords(undefined)).toEqual({ hideDiffs: recorded });
  });

  test("added after the program's own, the other options kept", () => {
    expect(hidingServerRecords({ protect: true, hideDiffs: ["cloud"] })).toEqual({
      protect: true,
      hideDiffs: ["cloud", ...recorded],
    });
  });
});
