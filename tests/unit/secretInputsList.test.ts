/**
 * The `secretInputs` input: which inputs the program gave as secrets, so a message can name a
 * project id's place without its value. Only a list of names counts; anything else names none.
 * (The messages that use it: tests/unit/secretRefusal.test.ts.)
 */
import { secretInputsKey, secretInputsOf } from "../../provider/resources/common/secretInputs";

describe("secretInputsOf", () => {
  test("the names listed under secretInputs, strings only", () => {
    expect(secretInputsKey).toBe("secretInputs");
    expect([...secretInputsOf({ secretInputs: ["memberId", 3, null, "projects"] })]).toEqual([
      "memberId",
      "projects",
    ]);
  });

  test("no inputs, or no list, names nothing", () => {
    for (const inputs of [undefined, null, "memberId", {}, { secretInputs: "memberId" }]) {
      expect(secretInputsOf(inputs).size).toBe(0);
    }
  });
});
